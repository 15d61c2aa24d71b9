import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import type { CombinedError } from 'urql';
import { type Translate, useT } from '../i18n/i18n.tsx';

// The loading, error and empty states every page uses.

export function Loading({ label }: { label?: string }) {
  const t = useT();
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Stack align="center" gap="xs">
        <Loader size="md" aria-hidden />
        <Text size="sm" c="dimmed">
          {label ?? t('app.loading')}
        </Text>
      </Stack>
    </Center>
  );
}

/** What a person can read of a failed request (the API's message, not a stack). */
export function errorMessage(error: CombinedError, t: Translate): string {
  if (error.networkError) return t('state.unreachable');
  return error.graphQLErrors.map((e) => e.message).join(' ') || error.message;
}

export function ErrorState({ error, retry, title }: { error: CombinedError | string; retry?: () => void; title?: string }) {
  const t = useT();
  return (
    <Alert color="red" title={title ?? t('state.loadFailed')} role="alert" variant="light">
      <Stack gap="sm" align="flex-start">
        <Text size="sm">{typeof error === 'string' ? error : errorMessage(error, t)}</Text>
        {retry && (
          <Button size="xs" variant="default" onClick={retry}>
            {t('state.retry')}
          </Button>
        )}
      </Stack>
    </Alert>
  );
}

export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <Center py="xl">
      <Stack align="center" gap={4} maw={420}>
        <Text fw={600}>{title}</Text>
        {children && (
          <Text size="sm" c="dimmed" ta="center" component="div">
            {children}
          </Text>
        )}
      </Stack>
    </Center>
  );
}
