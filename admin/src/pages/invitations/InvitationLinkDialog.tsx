import { Button, Group, Image, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useMutation } from 'urql';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { mutationOutcome } from '../../components/mutation-result.ts';
import { AdminInvitationLinkDocument, type InvitationRow_InvitationFragment } from '../../generated/graphql.ts';
import { useT } from '../../i18n/i18n.tsx';

// A link to hand over in person, for someone without email at hand: the API
// makes a new invitation without an email (profileInvite, sendEmail: false)
// and answers its link once. The dialog shows it as text, copies it, and
// draws it as a QR code (the `qrcode` library, as SVG) for a phone to scan.

interface Props {
  invitation: InvitationRow_InvitationFragment;
  onClose(): void;
  returnFocusTo: React.RefObject<HTMLElement | null>;
}

export function InvitationLinkDialog({ invitation, onClose, returnFocusTo }: Props) {
  const t = useT();
  const { profile } = invitation;
  const [{ fetching }, issue] = useMutation(AdminInvitationLinkDocument);
  const [link, setLink] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);

  const confirm = async () => {
    setRefusal(null);
    const result = await issue({ input: { profileId: profile.id, sendEmail: false } });
    const answer = result.data?.profileInvite;
    if (answer?.__typename === 'ResendTooSoon') {
      setRefusal(t('invite.tooSoon', { name: profile.firstName, minutes: Math.ceil(answer.retryAfterSeconds / 60) }));
      return;
    }
    const outcome = mutationOutcome(answer, result.error, 'ProfileInvitePayload', t);
    if (!outcome.ok?.link) {
      setRefusal(outcome.message ?? t('state.unreachable'));
      return;
    }
    // The list refreshes (urql's cache: the answer holds an Invitation) while the link stays here.
    setLink(outcome.ok.link);
  };

  return (
    <ConfirmDialog
      opened
      title={t('invitations.linkTitle', { name: profile.fullName })}
      onCancel={onClose}
      onConfirm={() => void confirm()}
      confirmLabel={t('invitations.linkConfirm')}
      busy={fetching}
      returnFocusTo={returnFocusTo}
      failure={refusal}
      step={link ? 'link' : 'confirm'}
      actions={
        link ? (
          <Group justify="flex-end">
            <Button data-autofocus onClick={onClose}>
              {t('invitations.done')}
            </Button>
          </Group>
        ) : undefined
      }
    >
      {link ? <LinkShown link={link} name={profile.fullName} /> : <Text size="sm">{t('invitations.linkText', { email: invitation.email })}</Text>}
    </ConfirmDialog>
  );
}

function LinkShown({ link, name }: { link: string; name: string }) {
  const t = useT();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  const [qr, setQr] = useState<string | null>(null);
  const [showQr, setShowQr] = useState(false);

  useEffect(() => {
    if (!showQr || qr) return;
    let live = true;
    void import('qrcode').then(async (QRCode) => {
      const svg = await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      if (live) setQr(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
    });
    return () => {
      live = false;
    };
  }, [showQr, qr, link]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      // No clipboard permission (an embedded browser): copy the selected text the older way.
      input.current?.select();
      document.execCommand('copy');
    }
    setCopied(true);
  };

  return (
    <Stack gap="xs">
      <Text size="sm">{t('invitations.linkShownOnce')}</Text>
      <TextInput ref={input} label={t('invitations.linkLabel')} value={link} readOnly onFocus={(event) => event.currentTarget.select()} />
      <Group gap="xs">
        <Button variant="default" onClick={() => void copy()}>
          {t('invitations.copy')}
        </Button>
        <Button variant="default" onClick={() => setShowQr((shown) => !shown)} aria-expanded={showQr}>
          {t(showQr ? 'invitations.hideQr' : 'invitations.showQr')}
        </Button>
        <Text size="sm" role="status" c="var(--parkpass-color-success)" fw={600}>
          {copied ? t('invitations.copied') : ''}
        </Text>
      </Group>
      {showQr && (qr ? <Image src={qr} alt={t('invitations.qrAlt', { name })} w={240} h={240} fit="contain" bg="white" /> : <Text size="sm">…</Text>)}
    </Stack>
  );
}
