import { Button, Menu, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type RefObject, useRef, useState } from 'react';
import { useMutation } from 'urql';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { mutationOutcome } from '../../components/mutation-result.ts';
import {
  AdminInvitationRevokeDocument,
  AdminProfileInviteDocument,
  AdminProfileUpdateDocument,
  type InvitationRow_InvitationFragment,
} from '../../generated/graphql.ts';
import { useT } from '../../i18n/i18n.tsx';
import { usePermission } from '../../permissions.tsx';
import { InvitationLinkDialog } from './InvitationLinkDialog.tsx';

// A row's actions, in one menu (it fits a phone): fix the address and send
// again, revoke, and a link to hand over (as text or a QR code). The server
// keeps the rules: changing a profile's address closes its invitations to the
// old one (profileUpdate), and a new invitation replaces any open one
// (profileInvite), so the UI only chains the two.

export interface InvitationAction {
  kind: 'resend' | 'revoke' | 'link';
  invitation: InvitationRow_InvitationFragment;
  /** The row's Actions button, where the focus returns (the page's content when the row left the list meanwhile). */
  opener: RefObject<HTMLElement | null>;
}

/** The row's Actions menu; the dialog it opens lives on the page, so it stays open when the row leaves the list. */
export function InvitationActions({ invitation, onAction }: { invitation: InvitationRow_InvitationFragment; onAction(action: InvitationAction): void }) {
  const t = useT();
  const invite = usePermission('INVITE');
  const edit = usePermission('EDIT_PROFILES');
  const menuButton = useRef<HTMLButtonElement>(null);
  const { profile } = invitation;
  const canInvite = invite.allowed && profile.status !== 'VALIDATED' && profile.status !== 'DEACTIVATED';
  const open = invitation.state === 'OPEN';
  if (!canInvite && !(invite.allowed && open)) return null;
  const choose = (kind: InvitationAction['kind']) => () => onAction({ kind, invitation, opener: { current: menuButton.current } });

  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button ref={menuButton} variant="default" size="xs" aria-label={t('invitations.actionsFor', { name: profile.fullName })}>
          {t('invitations.actions')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {canInvite && <Menu.Item onClick={choose('resend')}>{t(edit.allowed ? 'invitations.fixAndResend' : 'invitations.resend')}</Menu.Item>}
        {canInvite && <Menu.Item onClick={choose('link')}>{t('invitations.link')}</Menu.Item>}
        {open && (
          <Menu.Item color="red" className="danger-item" onClick={choose('revoke')}>
            {t('invitations.revoke')}
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}

/** The dialog of the action chosen in a row's menu. */
export function InvitationActionDialog({ action, onClose }: { action: InvitationAction; onClose(): void }) {
  const edit = usePermission('EDIT_PROFILES');
  const props = { invitation: action.invitation, onClose, onDone: onClose, returnFocusTo: action.opener };
  if (action.kind === 'resend') return <ResendDialog {...props} canEdit={edit.allowed} />;
  if (action.kind === 'revoke') return <RevokeDialog {...props} />;
  return <InvitationLinkDialog invitation={action.invitation} onClose={onClose} returnFocusTo={action.opener} />;
}

interface DialogProps {
  invitation: InvitationRow_InvitationFragment;
  onClose(): void;
  onDone(): void;
  returnFocusTo: RefObject<HTMLElement | null>;
}

/** The address, editable (when the role may edit profiles), then a new invitation to it. */
function ResendDialog({ invitation, canEdit, onClose, onDone, returnFocusTo }: DialogProps & { canEdit: boolean }) {
  const t = useT();
  const { profile } = invitation;
  const [email, setEmail] = useState(profile.email);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [updated, update] = useMutation(AdminProfileUpdateDocument);
  const [invited, sendInvitation] = useMutation(AdminProfileInviteDocument);
  const address = email.trim();
  const changing = address !== profile.email;

  const confirm = async () => {
    setRefusal(null);
    setFieldError(null);
    if (changing) {
      const result = await update({ id: profile.id, input: { email: address } });
      const outcome = mutationOutcome(result.data?.profileUpdate, result.error, 'ProfilePayload', t);
      if (!outcome.ok) {
        if (outcome.field === 'email') setFieldError(outcome.message);
        else setRefusal(outcome.message);
        return;
      }
    }
    const result = await sendInvitation({ input: { profileId: profile.id } });
    const answer = result.data?.profileInvite;
    if (answer?.__typename === 'ResendTooSoon') {
      setRefusal(t('invite.tooSoon', { name: profile.firstName, minutes: Math.ceil(answer.retryAfterSeconds / 60) }));
      return;
    }
    const outcome = mutationOutcome(answer, result.error, 'ProfileInvitePayload', t);
    if (!outcome.ok) {
      setRefusal(outcome.message);
      return;
    }
    notifications.show({ color: 'teal', message: t('invite.sent', { email: address }) });
    onDone();
  };

  return (
    <ConfirmDialog
      opened
      title={t('invitations.resendTitle', { name: profile.fullName })}
      onCancel={onClose}
      onConfirm={() => void confirm()}
      confirmLabel={t(changing ? 'invitations.saveAndSend' : 'invitations.send')}
      confirmDisabled={!address}
      busy={updated.fetching || invited.fetching}
      returnFocusTo={returnFocusTo}
      failure={refusal}
    >
      <Stack gap="xs">
        <TextInput
          label={t('invitations.address')}
          type="email"
          required
          readOnly={!canEdit}
          value={email}
          error={fieldError}
          onChange={(event) => {
            setEmail(event.currentTarget.value);
            setFieldError(null);
          }}
        />
        <Text size="sm" aria-live="polite" style={{ overflowWrap: 'anywhere' }}>
          {changing ? t('invitations.resendChanging', { old: profile.email, email: address }) : t('invitations.resendSame', { email: address })}
        </Text>
      </Stack>
    </ConfirmDialog>
  );
}

function RevokeDialog({ invitation, onClose, onDone, returnFocusTo }: DialogProps) {
  const t = useT();
  const [{ fetching }, revoke] = useMutation(AdminInvitationRevokeDocument);
  const [refusal, setRefusal] = useState<string | null>(null);
  const confirm = async () => {
    const result = await revoke({ input: { invitationId: invitation.id } });
    const outcome = mutationOutcome(result.data?.invitationRevoke, result.error, 'InvitationPayload', t);
    if (!outcome.ok) {
      setRefusal(outcome.message);
      return;
    }
    notifications.show({ message: t('invitation.revokedNotice') });
    onDone();
  };
  return (
    <ConfirmDialog
      opened
      danger
      title={t('invitations.revokeTitle', { name: invitation.profile.fullName })}
      onCancel={onClose}
      onConfirm={() => void confirm()}
      confirmLabel={t('invitations.revoke')}
      busy={fetching}
      returnFocusTo={returnFocusTo}
      failure={refusal}
    >
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {t('invitations.revokeText', { email: invitation.email })}
      </Text>
    </ConfirmDialog>
  );
}
