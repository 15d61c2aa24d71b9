import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import type { CombinedError } from 'urql';

// The loading, error and empty states every page uses.

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Stack align="center" gap="xs">
        <Loader size="md" aria-hidden />
        <Text size="sm" c="gray.7">
          {label}
        </Text>
      </Stack>
    </Center>
  );
}

/** What a person can read of a failed request (the API's message, not a stack). */
export function errorMessage(error: CombinedError): string {
  if (error.networkError) return 'The server cannot be reached. Check your connection and retry.';
  return error.graphQLErrors.map((e) => e.message).join(' ') || error.message;
}

export function ErrorState({ error, retry, title = 'This page could not be loaded' }: { error: CombinedError | string; retry?: () => void; title?: string }) {
  return (
    <Alert color="red" title={title} role="alert" variant="light">
      <Stack gap="sm" align="flex-start">
        <Text size="sm">{typeof error === 'string' ? error : errorMessage(error)}</Text>
        {retry && (
          <Button size="xs" variant="default" onClick={retry}>
            Retry
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
          <Text size="sm" c="gray.7" ta="center" component="div">
            {children}
          </Text>
        )}
      </Stack>
    </Center>
  );
}
