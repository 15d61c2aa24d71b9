import { Alert, Button, Code, CopyButton, Group, Modal, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { AdminApiKeyCreateDocument, AdminApiKeyRevokeDocument, AdminApiKeysSettingsDocument, type ApiKeyRow_ApiKeyFragment } from '../../generated/graphql.ts';
import type { Role } from '@parkpass/sdk';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { mutationOutcome } from '../../components/mutation-result.ts';
import { EmptyState, ErrorState, Loading } from '../../components/states.tsx';
import { useFormat, useT } from '../../i18n/i18n.tsx';
import { ROLES } from '../../labels.ts';

export function ApiKeysSettings() {
  const t = useT();
  const [{ data, error }, reexecute] = useQuery({ query: AdminApiKeysSettingsDocument });
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  if (error && !data) return <ErrorState error={error} retry={refresh} />;
  if (!data) return <Loading />;
  const keys = data.apiKeys.edges.map((e) => e.node);
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm">{t('keys.intro')}</Text>
        <CreateKey onCreated={refresh} />
      </Group>
      {keys.length === 0 ? (
        <EmptyState title={t('keys.none')}>{t('keys.noneHint')}</EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label={t('keys.table')} striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('keys.name')}</Table.Th>
                <Table.Th>{t('keys.key')}</Table.Th>
                <Table.Th>{t('keys.role')}</Table.Th>
                <Table.Th>{t('keys.created')}</Table.Th>
                <Table.Th>{t('keys.lastUsed')}</Table.Th>
                <Table.Th>{t('keys.state')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.map((key) => (
                <KeyRow key={key.id} apiKey={key} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

function KeyRow({ apiKey }: { apiKey: ApiKeyRow_ApiKeyFragment }) {
  const t = useT();
  const format = useFormat();
  const [{ fetching }, revoke] = useMutation(AdminApiKeyRevokeDocument);
  async function onRevoke() {
    const result = await revoke({ id: apiKey.id });
    const outcome = mutationOutcome(result.data?.apiKeyRevoke, result.error, 'ApiKeyPayload', t);
    if (outcome.ok) notifications.show({ message: t('keys.revoked', { name: apiKey.name }) });
    return outcome.message;
  }
  return (
    <Table.Tr>
      <Table.Td>{apiKey.name}</Table.Td>
      <Table.Td>
        <Code>{apiKey.prefix}…</Code>
      </Table.Td>
      <Table.Td>{t(`role.${apiKey.role}`)}</Table.Td>
      <Table.Td>{format.dateTime(apiKey.createdAt)}</Table.Td>
      <Table.Td>{format.dateTime(apiKey.lastUsedAt)}</Table.Td>
      <Table.Td>
        {apiKey.revokedAt ? (
          t('keys.revokedAt', { date: format.dateTime(apiKey.revokedAt) })
        ) : (
          <ConfirmButton
            label={t('keys.revoke')}
            ariaLabel={t('keys.revokeOne', { name: apiKey.name })}
            title={t('keys.revokeTitle', { name: apiKey.name })}
            text={t('keys.revokeText')}
            onConfirm={onRevoke}
            busy={fetching}
          />
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function CreateKey({ onCreated }: { onCreated(): void }) {
  const t = useT();
  const [opened, { open, close }] = useDisclosure(false);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('MANAGER');
  const [secret, setSecret] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [{ fetching }, create] = useMutation(AdminApiKeyCreateDocument);

  function reset() {
    setName('');
    setSecret(null);
    setFailure(null);
    close();
  }
  async function onSubmit(event: React.FormEvent) {
    event.preventDefault();
    setFailure(null);
    const result = await create({ input: { name, role } });
    const outcome = mutationOutcome(result.data?.apiKeyCreate, result.error, 'ApiKeyCreatePayload', t);
    if (outcome.ok) {
      setSecret(outcome.ok.secret);
      onCreated();
    } else setFailure(outcome.message);
  }
  return (
    <>
      <Button onClick={open}>{t('keys.new')}</Button>
      <Modal opened={opened} onClose={reset} title={secret ? t('keys.secretTitle') : t('keys.new')} closeButtonProps={{ 'aria-label': t('dialog.close') }}>
        {secret ? (
          <Stack>
            <Text size="sm">{t('keys.secretText')}</Text>
            {/* Wrapped, not scrolled: on a phone the whole secret shows (no scrolling box the keyboard cannot reach). */}
            <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
              {secret}
            </Code>
            <Group justify="flex-end">
              <CopyButton value={secret}>
                {({ copied, copy }) => (
                  <Button onClick={copy} aria-live="polite">
                    {copied ? t('keys.copied') : t('keys.copy')}
                  </Button>
                )}
              </CopyButton>
              <Button variant="default" onClick={reset}>
                {t('keys.done')}
              </Button>
            </Group>
          </Stack>
        ) : (
          <form onSubmit={onSubmit} aria-label={t('keys.new')}>
            <Stack>
              {failure && (
                <Alert color="red" role="alert">
                  {failure}
                </Alert>
              )}
              <TextInput
                label={t('keys.name')}
                description={t('keys.nameHint')}
                required
                data-autofocus
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
              />
              <Select
                label={t('keys.role')}
                data={ROLES.map((value) => ({ value, label: t(`role.${value}`) }))}
                value={role}
                onChange={(value) => value && setRole(value as Role)}
                allowDeselect={false}
              />
              <Group justify="flex-end">
                <Button variant="default" onClick={reset}>
                  {t('dialog.cancel')}
                </Button>
                <Button type="submit" loading={fetching}>
                  {t('keys.create')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Modal>
    </>
  );
}
