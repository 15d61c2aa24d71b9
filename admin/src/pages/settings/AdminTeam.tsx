import { Button, Group, List, Modal, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import type { Role } from '@parkpass/sdk';
import { useRef, useState } from 'react';
import { useMutation } from 'urql';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { Email } from '../../components/Email.tsx';
import { mutationOutcome } from '../../components/mutation-result.ts';
import {
  AdminAdminInvitationRevokeDocument,
  AdminAdminInviteDocument,
  AdminAdminRoleChangeDocument,
  type AdminInvitationRow_AdminInvitationFragment,
  AdminOwnershipTransferDocument,
  type AdminRow_AdminFragment,
} from '../../generated/graphql.ts';
import { useFormat, useT } from '../../i18n/i18n.tsx';
import { AdminIdentityFields } from './AdminIdentityFields.tsx';
import { ROLES } from '../../labels.ts';

// The admin team beyond the list: inviting by email, the open invitations,
// changing a role (each role described, in the words of the access table),
// and handing the organization over.

/** The roles a select offers, each with its description under its name. */
function useRoleOptions() {
  const t = useT();
  return ROLES.map((value) => ({ value, label: t(`role.${value}`) }));
}

/** What each role may do (the access table's words, server/kernel/policy.ts). */
export function RoleDescriptions() {
  const t = useT();
  return (
    <Stack gap="xs" component="section" aria-labelledby="roles-title">
      <Title order={2} size="h4" id="roles-title">
        {t('team.rolesTitle')}
      </Title>
      <List spacing={4} size="sm">
        {ROLES.map((role) => (
          <List.Item key={role}>
            <Text span fw={600} size="sm">
              {t(`role.${role}`)}
            </Text>{' '}
            — {t(`roleDescription.${role}`)}
          </List.Item>
        ))}
      </List>
    </Stack>
  );
}

const INVITE_FIELDS = new Set(['name', 'email', 'role']);

export function InviteAdmin({ onInvited }: { onInvited(): void }) {
  const t = useT();
  const roles = useRoleOptions();
  const [opened, { open, close }] = useDisclosure(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [{ fetching }, invite] = useMutation(AdminAdminInviteDocument);
  const form = useForm({ initialValues: { name: '', email: '', role: 'MANAGER' as Role } });
  async function onSubmit(values: typeof form.values) {
    setFailure(null);
    const result = await invite({ input: values });
    const outcome = mutationOutcome(result.data?.adminInvite, result.error, 'AdminInvitationPayload', t);
    if (outcome.ok) {
      notifications.show({ message: t('team.invited', { email: values.email }) });
      form.reset();
      close();
      onInvited();
    } else if (outcome.field && INVITE_FIELDS.has(outcome.field)) form.setFieldError(outcome.field, outcome.message);
    else setFailure(outcome.message);
  }
  return (
    <>
      <Button onClick={open}>{t('team.invite')}</Button>
      <Modal opened={opened} onClose={close} title={t('team.invite')}>
        <form onSubmit={form.onSubmit(onSubmit)} noValidate aria-label={t('team.invite')}>
          <Stack>
            <Text size="sm">{t('team.inviteIntro')}</Text>
            <AdminIdentityFields inputProps={form.getInputProps} failure={failure} />
            <Select
              label={t('admins.role')}
              description={t(`roleDescription.${form.values.role}`)}
              data={roles}
              allowDeselect={false}
              {...form.getInputProps('role')}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('dialog.cancel')}
              </Button>
              <Button type="submit" loading={fetching}>
                {t('team.send')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

/** An admin's role, changed in place (the server refuses taking the owner role from the last owner, in words). */
export function RoleCell({ admin, onChanged }: { admin: AdminRow_AdminFragment; onChanged(): void }) {
  const t = useT();
  const roles = useRoleOptions();
  const [{ fetching }, change] = useMutation(AdminAdminRoleChangeDocument);
  const [failure, setFailure] = useState<string | null>(null);
  async function onChange(value: string | null) {
    if (!value || value === admin.role) return;
    setFailure(null);
    const result = await change({ id: admin.id, role: value as Role });
    const outcome = mutationOutcome(result.data?.adminUpdate, result.error, 'AdminPayload', t);
    if (outcome.ok) {
      notifications.show({ message: t('team.roleChanged', { name: admin.name, role: t(`role.${value as Role}`) }) });
      onChanged();
    } else setFailure(outcome.message);
  }
  return (
    <Stack gap={2}>
      <Select
        aria-label={t('team.roleOf', { name: admin.name })}
        data={roles}
        value={admin.role}
        onChange={onChange}
        allowDeselect={false}
        disabled={fetching}
        size="xs"
        w={160}
      />
      {failure && (
        <Text size="xs" c="var(--mantine-color-error)" role="alert" maw={220}>
          {failure}
        </Text>
      )}
    </Stack>
  );
}

/** Hands the organization over to another admin; the caller chooses the role they keep. */
export function TransferOwnership({ admin, onTransferred }: { admin: AdminRow_AdminFragment; onTransferred(): void }) {
  const t = useT();
  const [opened, setOpened] = useState(false);
  const [keep, setKeep] = useState<Role>('ADMIN');
  const [failure, setFailure] = useState<string | null>(null);
  const [{ fetching }, transfer] = useMutation(AdminOwnershipTransferDocument);
  const opener = useRef<HTMLButtonElement>(null);
  const kept = ROLES.filter((role) => role !== 'OWNER').map((value) => ({ value, label: t(`role.${value}`) }));
  async function onConfirm() {
    setFailure(null);
    const result = await transfer({ input: { adminId: admin.id, previousOwnerRole: keep } });
    const outcome = mutationOutcome(result.data?.organizationOwnershipTransfer, result.error, 'OrganizationOwnershipTransferPayload', t);
    if (outcome.ok) {
      setOpened(false);
      notifications.show({ message: t('team.transferred', { name: admin.name }) });
      onTransferred();
    } else setFailure(outcome.message);
  }
  return (
    <>
      <Button ref={opener} size="compact-sm" variant="default" onClick={() => setOpened(true)} aria-label={t('team.transferTo', { name: admin.name })}>
        {t('team.transfer')}
      </Button>
      <ConfirmDialog
        opened={opened}
        title={t('team.transferTitle', { name: admin.name })}
        onCancel={() => setOpened(false)}
        onConfirm={onConfirm}
        confirmLabel={t('team.transfer')}
        danger
        busy={fetching}
        returnFocusTo={opener}
        failure={failure}
      >
        <Text size="sm">{t('team.transferText', { name: admin.name })}</Text>
        <Select
          label={t('team.keepRole')}
          description={t(`roleDescription.${keep}`)}
          data={kept}
          value={keep}
          onChange={(value) => value && setKeep(value as Role)}
          allowDeselect={false}
        />
      </ConfirmDialog>
    </>
  );
}

/** Invitations to the team still waiting (open or expired): re-send or revoke. */
export function AdminInvitations({ invitations, onChanged }: { invitations: AdminInvitationRow_AdminInvitationFragment[]; onChanged(): void }) {
  const t = useT();
  if (invitations.length === 0) return null;
  return (
    <Stack gap="xs" component="section" aria-labelledby="admin-invitations-title">
      <Title order={2} size="h4" id="admin-invitations-title">
        {t('team.invitationsTitle')}
      </Title>
      <Table.ScrollContainer minWidth={560}>
        <Table aria-labelledby="admin-invitations-title" striped className="team-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admins.name')}</Table.Th>
              <Table.Th>{t('admins.email')}</Table.Th>
              <Table.Th>{t('admins.role')}</Table.Th>
              <Table.Th>{t('team.state')}</Table.Th>
              <Table.Th>{t('admins.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {invitations.map((invitation) => (
              <AdminInvitationRow key={invitation.id} invitation={invitation} onChanged={onChanged} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

function AdminInvitationRow({ invitation, onChanged }: { invitation: AdminInvitationRow_AdminInvitationFragment; onChanged(): void }) {
  const t = useT();
  const format = useFormat();
  const [{ fetching: revoking }, revoke] = useMutation(AdminAdminInvitationRevokeDocument);
  const [{ fetching: sending }, invite] = useMutation(AdminAdminInviteDocument);
  const [failure, setFailure] = useState<string | null>(null);
  async function onRevoke() {
    setFailure(null);
    const result = await revoke({ id: invitation.id });
    const outcome = mutationOutcome(result.data?.adminInvitationRevoke, result.error, 'AdminInvitationPayload', t);
    if (outcome.ok) {
      notifications.show({ message: t('team.revoked', { email: invitation.email }) });
      onChanged();
    }
    return outcome.message;
  }
  async function onResend() {
    setFailure(null);
    const result = await invite({ input: { email: invitation.email, name: invitation.name, role: invitation.role } });
    const outcome = mutationOutcome(result.data?.adminInvite, result.error, 'AdminInvitationPayload', t);
    if (outcome.ok) {
      notifications.show({ message: t('team.invited', { email: invitation.email }) });
      onChanged();
    } else setFailure(outcome.message);
  }
  const open = invitation.state === 'OPEN';
  return (
    <Table.Tr>
      <Table.Td>{invitation.name}</Table.Td>
      <Table.Td>
        <Email address={invitation.email} />
      </Table.Td>
      <Table.Td>{t(`role.${invitation.role}`)}</Table.Td>
      <Table.Td>
        <Text size="sm" fw={open ? 400 : 600}>
          {open ? t('team.openUntil', { date: format.dateTime(invitation.expiresAt) }) : t('team.expired')}
        </Text>
        {failure && (
          <Text size="xs" c="var(--mantine-color-error)" role="alert">
            {failure}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Button size="compact-sm" variant="default" loading={sending} onClick={onResend} aria-label={t('team.resendTo', { email: invitation.email })}>
            {t('team.resend')}
          </Button>
          {open && (
            <ConfirmButton
              label={t('team.revoke')}
              ariaLabel={t('team.revokeFor', { email: invitation.email })}
              title={t('team.revokeTitle', { email: invitation.email })}
              text={t('team.revokeText')}
              onConfirm={onRevoke}
              busy={revoking}
            />
          )}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
