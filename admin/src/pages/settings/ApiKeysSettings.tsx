import { Alert, Button, Code, CopyButton, Group, Modal, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { AdminApiKeyCreateDocument, AdminApiKeyRevokeDocument, AdminApiKeysSettingsDocument, type ApiKeyRow_ApiKeyFragment, type Role } from '@parkpass/sdk';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { EmptyState, ErrorState, errorMessage, Loading } from '../../components/states.tsx';
import { formatDateTime, ROLE_LABELS } from '../../labels.ts';

const roleOptions = Object.entries(ROLE_LABELS).map(([value, label]) => ({ value, label }));

export function ApiKeysSettings() {
  const [{ data, error }, reexecute] = useQuery({ query: AdminApiKeysSettingsDocument });
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  if (error && !data) return <ErrorState error={error} retry={refresh} />;
  if (!data) return <Loading />;
  const keys = data.apiKeys.edges.map((e) => e.node);
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm">Integrations (HR systems, access control) call the API with a key. Its secret is shown once, when created.</Text>
        <CreateKey onCreated={refresh} />
      </Group>
      {keys.length === 0 ? (
        <EmptyState title="No API keys">Create one for each integration, so that each can be revoked alone.</EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label="API keys" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>State</Table.Th>
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
  const [{ fetching }, revoke] = useMutation(AdminApiKeyRevokeDocument);
  const [failure, setFailure] = useState<string | null>(null);
  async function onRevoke() {
    if (!window.confirm(`Revoke the key "${apiKey.name}"? Calls with it fail from now on.`)) return;
    const result = await revoke({ id: apiKey.id });
    const answer = result.data?.apiKeyRevoke;
    if (answer && answer.__typename !== 'ApiKeyPayload' && 'message' in answer) setFailure(answer.message);
    else if (result.error) setFailure(errorMessage(result.error));
  }
  return (
    <Table.Tr>
      <Table.Td>{apiKey.name}</Table.Td>
      <Table.Td>
        <Code>{apiKey.prefix}…</Code>
      </Table.Td>
      <Table.Td>{ROLE_LABELS[apiKey.role]}</Table.Td>
      <Table.Td>{formatDateTime(apiKey.createdAt)}</Table.Td>
      <Table.Td>{formatDateTime(apiKey.lastUsedAt)}</Table.Td>
      <Table.Td>
        {apiKey.revokedAt ? (
          `Revoked ${formatDateTime(apiKey.revokedAt)}`
        ) : (
          <Button size="compact-sm" variant="default" onClick={onRevoke} loading={fetching} aria-label={`Revoke ${apiKey.name}`}>
            Revoke
          </Button>
        )}
        {failure && (
          <Text size="xs" c="red.9" role="alert">
            {failure}
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function CreateKey({ onCreated }: { onCreated(): void }) {
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
    const answer = result.data?.apiKeyCreate;
    if (answer?.__typename === 'ApiKeyCreatePayload') {
      setSecret(answer.secret);
      onCreated();
    } else if (answer && 'message' in answer) setFailure(answer.message);
    else if (result.error) setFailure(errorMessage(result.error));
  }
  return (
    <>
      <Button onClick={open}>New API key</Button>
      <Modal opened={opened} onClose={reset} title={secret ? 'Copy the secret now' : 'New API key'}>
        {secret ? (
          <Stack>
            <Text size="sm">This is the only time the secret is shown; only its hash is kept.</Text>
            <Code block>{secret}</Code>
            <Group justify="flex-end">
              <CopyButton value={secret}>{({ copied, copy }) => <Button onClick={copy}>{copied ? 'Copied' : 'Copy the secret'}</Button>}</CopyButton>
              <Button variant="default" onClick={reset}>
                Done
              </Button>
            </Group>
          </Stack>
        ) : (
          <form onSubmit={onSubmit} aria-label="New API key">
            <Stack>
              {failure && (
                <Alert color="red" role="alert">
                  {failure}
                </Alert>
              )}
              <TextInput label="Name" description="Which integration uses it." required value={name} onChange={(e) => setName(e.currentTarget.value)} />
              <Select label="Role" data={roleOptions} value={role} onChange={(value) => value && setRole(value as Role)} allowDeselect={false} />
              <Group justify="flex-end">
                <Button variant="default" onClick={reset}>
                  Cancel
                </Button>
                <Button type="submit" loading={fetching}>
                  Create
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Modal>
    </>
  );
}
