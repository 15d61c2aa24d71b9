import { Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import {
  AdminInvitationRevokeDocument,
  AdminProfilePageDocument,
  type InvitationSummary_InvitationFragment,
  type ProfileDetails_ProfileFragment,
} from '../../generated/graphql.ts';
import { ProfileDeleteDocument } from '@parkpass/sdk';
import { useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { Email } from '../../components/Email.tsx';
import { mutationOutcome } from '../../components/mutation-result.ts';
import { EmptyState, ErrorState, Loading } from '../../components/states.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { showChangeNotice, useChangeNotices, useLiveRefresh } from '../../hooks/live.ts';
import { useFormat, useT } from '../../i18n/i18n.tsx';
import { DELIVERY_PROBLEMS } from '../../labels.ts';
import { usePermission, useViewer } from '../../permissions.tsx';
import { InvitationHistory } from './InvitationHistory.tsx';
import { InviteAction } from './InviteAction.tsx';

/** What an admin is told about when it changes elsewhere: an acceptance, an email that bounced. */
export const liveSignature = (profile: { status: string; latestInvitation: { deliveryState: string } | null }) =>
  `${profile.status === 'VALIDATED'}|${profile.latestInvitation && DELIVERY_PROBLEMS.has(profile.latestInvitation.deliveryState as never) ? profile.latestInvitation.deliveryState : ''}`;

/** The Show page's data: the profile, kept live. */
function useProfilePage(id: string) {
  const t = useT();
  const [result, reexecute] = useQuery({ query: AdminProfilePageDocument, variables: { id } });
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  useLiveRefresh(refresh, result.error);
  const profile = result.data?.profile;
  useChangeNotices(profile ? [profile] : undefined, liveSignature, ([changed]) => {
    if (!changed) return;
    const delivery = changed.latestInvitation?.deliveryState;
    showChangeNotice(
      changed.status === 'VALIDATED'
        ? t('profile.updated', { name: changed.fullName, status: t('status.VALIDATED') })
        : t('profile.deliveryChanged', { name: changed.fullName, delivery: delivery ? t(`delivery.${delivery}`) : '' }),
    );
  });
  return { ...result, refresh };
}

/** Show: one profile, its access, tags, payment methods and invitation; Invite / Re-send top right. */
export function ProfilePage() {
  const t = useT();
  const { id = '' } = useParams();
  const { data, error, refresh } = useProfilePage(id);

  if (error && !data) return <ErrorState error={error} retry={refresh} />;
  if (!data) return <Loading label={t('profile.loading')} />;
  const profile = data.profile;
  if (!profile) {
    return (
      <EmptyState title={t('profile.missing')}>
        {t('profile.missingHint')}{' '}
        <Anchor component={Link} to="/profiles">
          {t('profile.backToProfiles')}
        </Anchor>
      </EmptyState>
    );
  }
  return (
    <ProfileView profile={profile} invitation={profile.latestInvitation}>
      <Card withBorder component="section" aria-labelledby="history-title">
        <Title order={2} size="h4" id="history-title" mb="sm">
          {t('profile.history')}
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
  children: React.ReactNode;
}) {
  const t = useT();
  const format = useFormat();
  const viewer = useViewer();
  const edit = usePermission('EDIT_PROFILES');
  const location = useLocation();
  // "← Profiles" returns to the list as it was (search, filters, page), kept in the link's state.
  const back = (location.state as { from?: string } | null)?.from ?? '/profiles';
  const language = profile.locale
    ? format.language(profile.locale)
    : t('profile.languageOrganization', { language: format.language(viewer.organization.defaultLocale) });
  return (
    <Stack gap="md">
      <Anchor component={Link} to={back} size="sm">
        {t('profile.back')}
      </Anchor>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Title order={1} style={{ overflowWrap: 'anywhere' }}>
            {profile.fullName}
          </Title>
          <Group gap="xs">
            <Text size="sm" fw={500}>
              {t('profile.status')}
            </Text>
            <StatusBadge profile={profile} />
          </Group>
        </Stack>
        <Group gap="xs" align="flex-start">
          {edit.allowed && (
            <>
              <Button variant="default" component={Link} to={`/profiles/${encodeURIComponent(profile.id)}/edit`} state={location.state}>
                {t('profile.edit')}
              </Button>
              <DeleteAction profile={profile} back={back} />
            </>
          )}
          <InviteAction profile={profile} language={language} />
        </Group>
      </Group>
      {edit.forbidden && <Text size="sm">{t('profile.readOnly', { reason: edit.reason })}</Text>}

      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder component="section" aria-labelledby="details-title">
          <Title order={2} size="h4" id="details-title" mb="sm">
            {t('profile.details')}
          </Title>
          <dl style={{ margin: 0, display: 'grid', gridTemplateColumns: 'max-content minmax(0, 1fr)', gap: '6px 16px' }}>
            <Field label={t('profile.email')}>
              <Email address={profile.email} />
            </Field>
            <Field label={t('profile.phone')}>{profile.phone ?? '—'}</Field>
            <Field label={t('profile.externalId')}>{profile.externalId ?? '—'}</Field>
            <Field label={t('profile.language')}>{language}</Field>
            <Field label={t('profile.access')}>{profile.parkingLots.length ? profile.parkingLots.map((l) => l.name).join(', ') : t('profiles.noAccess')}</Field>
            <Field label={t('profile.tags')}>
              {profile.tags.length ? (
                <Group gap={4}>
                  {profile.tags.map((tag) => (
                    <Badge key={tag.id} variant="default" radius="sm" tt="none" fw={500}>
                      {tag.name}
                    </Badge>
                  ))}
                </Group>
              ) : (
                '—'
              )}
            </Field>
            <Field label={t('profile.paymentMethods')}>
              {profile.paymentMethods.length ? profile.paymentMethods.map((m) => t(`payment.${m}`)).join(', ') : '—'}
            </Field>
            <Field label={t('profile.created')}>{format.dateTime(profile.createdAt)}</Field>
            <Field label={t('profile.invited')}>{format.dateTime(profile.invitedAt)}</Field>
            <Field label={t('profile.validated')}>{format.dateTime(profile.validatedAt)}</Field>
          </dl>
        </Card>
        <Card withBorder component="section" aria-labelledby="invitation-title">
          <Title order={2} size="h4" id="invitation-title" mb="sm">
            {t('profile.latestInvitation')}
          </Title>
          {invitation ? <InvitationCard invitation={invitation} /> : <Text size="sm">{t('profile.neverInvited')}</Text>}
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
      <Text component="dd" size="sm" m={0} style={{ minWidth: 0 }}>
        {children}
      </Text>
    </>
  );
}

function InvitationCard({ invitation }: { invitation: InvitationSummary_InvitationFragment }) {
  const t = useT();
  const format = useFormat();
  const revokeAccess = usePermission('INVITE');
  const [opened, setOpened] = useState(false);
  const [{ fetching }, revoke] = useMutation(AdminInvitationRevokeDocument);
  const [refusal, setRefusal] = useState<string | null>(null);
  const open = invitation.state === 'OPEN' && !invitation.expired;

  async function onRevoke() {
    const result = await revoke({ input: { invitationId: invitation.id } });
    const outcome = mutationOutcome(result.data?.invitationRevoke, result.error, 'InvitationPayload', t);
    if (outcome.ok) {
      setOpened(false);
      notifications.show({ message: t('invitation.revokedNotice') });
    } else setRefusal(outcome.message);
  }

  return (
    <Stack gap="xs">
      <dl style={{ margin: 0, display: 'grid', gridTemplateColumns: 'max-content minmax(0, 1fr)', gap: '6px 16px' }}>
        <Field label={t('invitation.state')}>
          {invitation.expired && invitation.state === 'OPEN' ? t('status.expired') : t(`invitationState.${invitation.state}`)}
        </Field>
        <Field label={t('invitation.sentTo')}>
          <Email address={invitation.email} />
        </Field>
        <Field label={t('invitation.created')}>{format.dateTime(invitation.createdAt)}</Field>
        <Field label={t('invitation.expires')}>{format.dateTime(invitation.expiresAt)}</Field>
        <Field label={t('invitation.email')}>{t(`delivery.${invitation.deliveryState}`)}</Field>
        {invitation.acceptedAt && <Field label={t('invitation.accepted')}>{format.dateTime(invitation.acceptedAt)}</Field>}
        {invitation.revokedAt && <Field label={t('invitation.revoked')}>{format.dateTime(invitation.revokedAt)}</Field>}
      </dl>
      {open && revokeAccess.allowed && (
        <Group>
          <Button
            variant="default"
            color="red"
            size="xs"
            onClick={() => {
              setRefusal(null);
              setOpened(true);
            }}
          >
            {t('invitation.revoke')}
          </Button>
        </Group>
      )}
      <ConfirmDialog
        opened={opened}
        title={t('invitation.revokeTitle')}
        onCancel={() => setOpened(false)}
        onConfirm={onRevoke}
        confirmLabel={t('invitation.revokeConfirm')}
        danger
        busy={fetching}
      >
        <Text size="sm">{t('invitation.revokeText')}</Text>
        {refusal && (
          <Text size="sm" c="var(--mantine-color-error)" role="alert">
            {refusal}
          </Text>
        )}
      </ConfirmDialog>
    </Stack>
  );
}

function DeleteAction({ profile, back }: { profile: ProfileDetails_ProfileFragment; back: string }) {
  const t = useT();
  const [opened, setOpened] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const [{ fetching }, remove] = useMutation(ProfileDeleteDocument);
  const [refusal, setRefusal] = useState<string | null>(null);
  const navigate = useNavigate();

  async function onDelete() {
    const result = await remove({ id: profile.id }, { additionalTypenames: ['Profile'] });
    const outcome = mutationOutcome(result.data?.profileDelete, result.error, 'ProfileDeletePayload', t);
    if (outcome.ok) {
      notifications.show({ message: t('delete.done', { name: profile.fullName }) });
      navigate(back);
    } else setRefusal(outcome.message);
  }

  return (
    <>
      <Button variant="default" ref={opener} onClick={() => setOpened(true)}>
        {t('profile.delete')}
      </Button>
      <ConfirmDialog
        opened={opened}
        title={t('delete.title', { name: profile.fullName })}
        onCancel={() => setOpened(false)}
        onConfirm={onDelete}
        confirmLabel={t('delete.confirm')}
        danger
        busy={fetching}
        returnFocusTo={opener}
      >
        <Text size="sm">{t('delete.text')}</Text>
        {refusal && (
          <Text size="sm" c="var(--mantine-color-error)" role="alert">
            {refusal}
          </Text>
        )}
      </ConfirmDialog>
    </>
  );
}
