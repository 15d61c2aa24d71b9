import { Alert, Anchor, Badge, Button, Card, Group, Modal, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import {
  AdminInvitationRevokeDocument,
  AdminProfilePageDocument,
  type InvitationSummary_InvitationFragment,
  ProfileDeleteDocument,
  type ProfileDetails_ProfileFragment,
} from '@parkpass/sdk';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { EmptyState, ErrorState, errorMessage, Loading } from '../../components/states.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { DELIVERY_LABELS, formatDateTime, INVITATION_STATE_LABELS, PAYMENT_METHOD_LABELS } from '../../labels.ts';
import { usePermission } from '../../permissions.tsx';
import { InvitationHistory } from './InvitationHistory.tsx';
import { InviteAction } from './InviteAction.tsx';

/** Show: one profile, its access, tags, payment methods and invitation; Invite / Re-send top right. */
export function ProfilePage() {
  const { id = '' } = useParams();
  const [{ data, error, fetching }, reexecute] = useQuery({ query: AdminProfilePageDocument, variables: { id } });

  if (error && !data) return <ErrorState error={error} retry={() => reexecute({ requestPolicy: 'network-only' })} />;
  if (!data) return <Loading label="Loading the profile…" />;
  const profile = data.profile;
  if (!profile) {
    return (
      <EmptyState title="This profile does not exist">
        It may have been deleted.{' '}
        <Anchor component={Link} to="/profiles">
          Back to Profiles
        </Anchor>
      </EmptyState>
    );
  }
  return (
    <ProfileView profile={profile} invitation={profile.latestInvitation} refreshing={fetching}>
      <Card withBorder component="section" aria-labelledby="history-title">
        <Title order={2} size="h4" id="history-title" mb="sm">
          Invitation history
        </Title>
        <InvitationHistory invitations={profile.invitations.edges.map((e) => e.node)} totalCount={profile.invitations.totalCount} />
      </Card>
    </ProfileView>
  );
}

function ProfileView({
  profile,
  invitation,
  children,
}: {
  profile: ProfileDetails_ProfileFragment;
  invitation: InvitationSummary_InvitationFragment | null;
  refreshing: boolean;
  children: React.ReactNode;
}) {
  const edit = usePermission('EDIT_PROFILES');
  return (
    <Stack gap="md">
      <Anchor component={Link} to="/profiles" size="sm">
        ← Profiles
      </Anchor>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Title order={1}>{profile.fullName}</Title>
          <Group gap="xs">
            <Text size="sm" fw={500}>
              Status
            </Text>
            <StatusBadge profile={profile} />
          </Group>
        </Stack>
        <Group gap="xs" align="flex-start">
          {edit.allowed && (
            <>
              <Button variant="default" component={Link} to={`/profiles/${encodeURIComponent(profile.id)}/edit`}>
                Edit
              </Button>
              <DeleteAction profile={profile} />
            </>
          )}
          <InviteAction profile={profile} />
        </Group>
      </Group>
      {edit.forbidden && <Text size="sm">You can read profiles. To change or invite them, {edit.reason?.replace(/^Ask/, 'ask')}</Text>}

      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder component="section" aria-labelledby="details-title">
          <Title order={2} size="h4" id="details-title" mb="sm">
            Details
          </Title>
          <dl style={{ margin: 0, display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '6px 16px' }}>
            <Field label="Email">{profile.email}</Field>
            <Field label="Phone">{profile.phone ?? '—'}</Field>
            <Field label="External id">{profile.externalId ?? '—'}</Field>
            <Field label="Access">{profile.parkingLots.length ? profile.parkingLots.map((l) => l.name).join(', ') : 'No access'}</Field>
            <Field label="Tags">
              {profile.tags.length ? (
                <Group gap={4}>
                  {profile.tags.map((t) => (
                    <Badge key={t.id} variant="default" radius="sm" tt="none" fw={500}>
                      {t.name}
                    </Badge>
                  ))}
                </Group>
              ) : (
                '—'
              )}
            </Field>
            <Field label="Payment methods">
              {profile.paymentMethods.length ? profile.paymentMethods.map((m) => PAYMENT_METHOD_LABELS[m]).join(', ') : '—'}
            </Field>
            <Field label="Created">{formatDateTime(profile.createdAt)}</Field>
            <Field label="Invited">{formatDateTime(profile.invitedAt)}</Field>
            <Field label="Validated">{formatDateTime(profile.validatedAt)}</Field>
          </dl>
        </Card>
        <Card withBorder component="section" aria-labelledby="invitation-title">
          <Title order={2} size="h4" id="invitation-title" mb="sm">
            Latest invitation
          </Title>
          {invitation ? <InvitationCard invitation={invitation} /> : <Text size="sm">Never invited: nothing has been sent to this person.</Text>}
        </Card>
      </SimpleGrid>
      {children}
    </Stack>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <Text component="dt" size="sm" fw={600}>
        {label}
      </Text>
      <Text component="dd" size="sm" m={0}>
        {children}
      </Text>
    </>
  );
}

function InvitationCard({ invitation }: { invitation: InvitationSummary_InvitationFragment }) {
  const revokeAccess = usePermission('INVITE');
  const [opened, { open, close }] = useDisclosure(false);
  const [{ fetching }, revoke] = useMutation(AdminInvitationRevokeDocument);
  const [refusal, setRefusal] = useState<string | null>(null);
  const open_ = invitation.state === 'OPEN' && !invitation.expired;

  async function onRevoke() {
    const result = await revoke({ input: { invitationId: invitation.id } });
    const answer = result.data?.invitationRevoke;
    if (answer?.__typename === 'InvitationPayload') {
      close();
      notifications.show({ message: 'The invitation was revoked: its link no longer works.' });
    } else if (answer && 'message' in answer) setRefusal(answer.message);
    else if (result.error) setRefusal(errorMessage(result.error));
  }

  return (
    <Stack gap="xs">
      <dl style={{ margin: 0, display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '6px 16px' }}>
        <Field label="State">{invitation.expired && invitation.state === 'OPEN' ? 'Expired' : INVITATION_STATE_LABELS[invitation.state]}</Field>
        <Field label="Sent to">{invitation.email}</Field>
        <Field label="Created">{formatDateTime(invitation.createdAt)}</Field>
        <Field label="Expires">{formatDateTime(invitation.expiresAt)}</Field>
        <Field label="Email">{DELIVERY_LABELS[invitation.deliveryState]}</Field>
        {invitation.acceptedAt && <Field label="Accepted">{formatDateTime(invitation.acceptedAt)}</Field>}
        {invitation.revokedAt && <Field label="Revoked">{formatDateTime(invitation.revokedAt)}</Field>}
      </dl>
      {open_ && revokeAccess.allowed && (
        <Group>
          <Button variant="default" color="red" size="xs" onClick={open}>
            Revoke invitation
          </Button>
        </Group>
      )}
      <Modal opened={opened} onClose={close} title="Revoke this invitation?">
        <Stack>
          <Text size="sm">Its link stops working at once; the profile stays Pending and can be invited again.</Text>
          {refusal && (
            <Alert color="red" role="alert">
              {refusal}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button color="red.9" onClick={onRevoke} loading={fetching}>
              Revoke
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function DeleteAction({ profile }: { profile: ProfileDetails_ProfileFragment }) {
  const [opened, { open, close }] = useDisclosure(false);
  const [{ fetching }, remove] = useMutation(ProfileDeleteDocument);
  const [refusal, setRefusal] = useState<string | null>(null);
  const navigate = useNavigate();

  async function onDelete() {
    const result = await remove({ id: profile.id }, { additionalTypenames: ['Profile'] });
    const answer = result.data?.profileDelete;
    if (answer?.__typename === 'ProfileDeletePayload') {
      notifications.show({ message: `${profile.fullName} was deleted.` });
      navigate('/profiles');
    } else if (answer && 'message' in answer) setRefusal(answer.message);
    else if (result.error) setRefusal(errorMessage(result.error));
  }

  return (
    <>
      <Button variant="default" onClick={open}>
        Delete
      </Button>
      <Modal opened={opened} onClose={close} title={`Delete ${profile.fullName}?`}>
        <Stack>
          <Text size="sm">The profile and its invitations are deleted; links already sent stop working. This cannot be undone.</Text>
          {refusal && (
            <Alert color="red" role="alert">
              {refusal}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button color="red.9" onClick={onDelete} loading={fetching}>
              Delete
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
