import { Button, Group, Modal, PasswordInput, Select, Stack, Table, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { AdminAdminCreateDocument, AdminAdminDeleteDocument, AdminAdminsSettingsDocument, type AdminRow_AdminFragment } from '../../generated/graphql.ts';
import { AdminInvitations, InviteAdmin, RoleCell, RoleDescriptions, TransferOwnership } from './AdminTeam.tsx';
import type { Role } from '@parkpass/sdk';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { Email } from '../../components/Email.tsx';
import { mutationOutcome } from '../../components/mutation-result.ts';
import { AdminIdentityFields } from './AdminIdentityFields.tsx';
import { ErrorState, Loading } from '../../components/states.tsx';
import { useFormat, useT } from '../../i18n/i18n.tsx';
import { ROLES } from '../../labels.ts';

export function AdminsSettings() {
  const t = useT();
  const [{ data, error }, reexecute] = useQuery({ query: AdminAdminsSettingsDocument });
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  if (error && !data) return <ErrorState error={error} retry={refresh} />;
  if (!data) return <Loading />;
  const me = data.viewer.admin?.id;
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm">{t('admins.introTeam')}</Text>
        <Group gap="xs">
          <AddAdmin onAdded={refresh} />
          <InviteAdmin onInvited={refresh} />
        </Group>
      </Group>
      <Table.ScrollContainer minWidth={560}>
        <Table aria-label={t('admins.table')} striped className="team-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admins.name')}</Table.Th>
              <Table.Th>{t('admins.email')}</Table.Th>
              <Table.Th>{t('admins.role')}</Table.Th>
              <Table.Th>{t('admins.added')}</Table.Th>
              <Table.Th>{t('admins.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.admins.edges.map(({ node }) => (
              <AdminRow key={node.id} admin={node} isMe={node.id === me} onRemoved={refresh} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <AdminInvitations invitations={data.adminInvitations.edges.map((edge) => edge.node)} onChanged={refresh} />
      <RoleDescriptions />
    </Stack>
  );
}

function AdminRow({ admin, isMe, onRemoved }: { admin: AdminRow_AdminFragment; isMe: boolean; onRemoved(): void }) {
  const t = useT();
  const format = useFormat();
  const [{ fetching }, remove] = useMutation(AdminAdminDeleteDocument);
  async function onRemove() {
    const result = await remove({ id: admin.id });
    const outcome = mutationOutcome(result.data?.adminDelete, result.error, 'AdminDeletePayload', t);
    if (outcome.ok) {
      notifications.show({ message: t('admins.removed', { name: admin.name }) });
      onRemoved();
    }
    return outcome.message;
  }
  return (
    <Table.Tr>
      <Table.Td>{isMe ? t('admins.you', { name: admin.name }) : admin.name}</Table.Td>
      <Table.Td>
        <Email address={admin.email} />
      </Table.Td>
      <Table.Td>
        <RoleCell admin={admin} onChanged={onRemoved} />
      </Table.Td>
      <Table.Td>{format.dateTime(admin.createdAt)}</Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          {!isMe && admin.role !== 'OWNER' && <TransferOwnership admin={admin} onTransferred={onRemoved} />}
          {!isMe && (
            <ConfirmButton
              label={t('admins.remove')}
              ariaLabel={t('admins.removeOne', { name: admin.name })}
              title={t('admins.removeTitle', { name: admin.name })}
              text={t('admins.removeText')}
              onConfirm={onRemove}
              busy={fetching}
            />
          )}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

const FIELDS = new Set(['name', 'email', 'password', 'role']);

function AddAdmin({ onAdded }: { onAdded(): void }) {
  const t = useT();
  const [opened, { open, close }] = useDisclosure(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [{ fetching }, create] = useMutation(AdminAdminCreateDocument);
  const form = useForm({ initialValues: { name: '', email: '', password: '', role: 'MANAGER' as Role } });
  async function onSubmit(values: typeof form.values) {
    setFailure(null);
    const result = await create({ input: values });
    const outcome = mutationOutcome(result.data?.adminCreate, result.error, 'AdminPayload', t);
    if (outcome.ok) {
      form.reset();
      close();
      onAdded();
    } else if (outcome.field && FIELDS.has(outcome.field)) form.setFieldError(outcome.field, outcome.message);
    else setFailure(outcome.message);
  }
  return (
    <>
      <Button variant="default" onClick={open}>
        {t('admins.add')}
      </Button>
      <Modal opened={opened} onClose={close} title={t('admins.add')} closeButtonProps={{ 'aria-label': t('dialog.close') }}>
        <form onSubmit={form.onSubmit(onSubmit)} noValidate aria-label={t('admins.add')}>
          <Stack>
            <AdminIdentityFields inputProps={form.getInputProps} failure={failure} />
            <PasswordInput label={t('admins.password')} description={t('admins.passwordHint')} required {...form.getInputProps('password')} />
            <Select
              label={t('admins.role')}
              data={ROLES.map((value) => ({ value, label: t(`role.${value}`) }))}
              allowDeselect={false}
              {...form.getInputProps('role')}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('dialog.cancel')}
              </Button>
              <Button type="submit" loading={fetching}>
                {t('admins.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
