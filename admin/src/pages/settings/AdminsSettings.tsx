import { Alert, Button, Group, Modal, PasswordInput, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { AdminAdminCreateDocument, AdminAdminDeleteDocument, AdminAdminsSettingsDocument, type AdminRow_AdminFragment, type Role } from '@parkpass/sdk';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorState, errorMessage, Loading } from '../../components/states.tsx';
import { formatDateTime, ROLE_LABELS } from '../../labels.ts';

const roleOptions = Object.entries(ROLE_LABELS).map(([value, label]) => ({ value, label }));

export function AdminsSettings() {
  const [{ data, error }, reexecute] = useQuery({ query: AdminAdminsSettingsDocument });
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  if (error && !data) return <ErrorState error={error} retry={refresh} />;
  if (!data) return <Loading />;
  const me = data.viewer.admin?.id;
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm">People who sign in to this admin. The API has no role change yet: remove and add again.</Text>
        <AddAdmin onAdded={refresh} />
      </Group>
      <Table.ScrollContainer minWidth={560}>
        <Table aria-label="Admins" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Added</Table.Th>
              <Table.Th>Remove</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.admins.edges.map(({ node }) => (
              <AdminRow key={node.id} admin={node} isMe={node.id === me} onRemoved={refresh} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

function AdminRow({ admin, isMe, onRemoved }: { admin: AdminRow_AdminFragment; isMe: boolean; onRemoved(): void }) {
  const [{ fetching }, remove] = useMutation(AdminAdminDeleteDocument);
  const [failure, setFailure] = useState<string | null>(null);
  async function onRemove() {
    if (!window.confirm(`Remove ${admin.name}? Their sessions end at once.`)) return;
    const result = await remove({ id: admin.id });
    const answer = result.data?.adminDelete;
    if (answer?.__typename === 'AdminDeletePayload') onRemoved();
    else if (answer && 'message' in answer) setFailure(answer.message);
    else if (result.error) setFailure(errorMessage(result.error));
  }
  return (
    <Table.Tr>
      <Table.Td>
        {admin.name}
        {isMe && ' (you)'}
      </Table.Td>
      <Table.Td>{admin.email}</Table.Td>
      <Table.Td>{ROLE_LABELS[admin.role]}</Table.Td>
      <Table.Td>{formatDateTime(admin.createdAt)}</Table.Td>
      <Table.Td>
        {!isMe && (
          <Button size="compact-sm" variant="default" onClick={onRemove} loading={fetching} aria-label={`Remove ${admin.name}`}>
            Remove
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

const FIELDS = new Set(['name', 'email', 'password', 'role']);

function AddAdmin({ onAdded }: { onAdded(): void }) {
  const [opened, { open, close }] = useDisclosure(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [{ fetching }, create] = useMutation(AdminAdminCreateDocument);
  const form = useForm({ initialValues: { name: '', email: '', password: '', role: 'MANAGER' as Role } });
  async function onSubmit(values: typeof form.values) {
    setFailure(null);
    const result = await create({ input: values });
    const answer = result.data?.adminCreate;
    if (answer?.__typename === 'AdminPayload') {
      form.reset();
      close();
      onAdded();
    } else if (answer && 'message' in answer) {
      const field = 'path' in answer ? answer.path[1] : undefined;
      if (field && FIELDS.has(field)) form.setFieldError(field, answer.message);
      else setFailure(answer.message);
    } else if (result.error) setFailure(errorMessage(result.error));
  }
  return (
    <>
      <Button onClick={open}>Add admin</Button>
      <Modal opened={opened} onClose={close} title="Add admin">
        <form onSubmit={form.onSubmit(onSubmit)} noValidate aria-label="Add admin">
          <Stack>
            {failure && (
              <Alert color="red" role="alert">
                {failure}
              </Alert>
            )}
            <TextInput label="Name" required {...form.getInputProps('name')} />
            <TextInput label="Email" type="email" required {...form.getInputProps('email')} />
            <PasswordInput label="Initial password" description="12 characters or more; hand it over to them." required {...form.getInputProps('password')} />
            <Select label="Role" data={roleOptions} allowDeselect={false} {...form.getInputProps('role')} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={fetching}>
                Add
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
