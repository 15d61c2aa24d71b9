import { Alert, Button, Stack, Text, TextInput } from '@mantine/core';
import { type RefObject, useState } from 'react';
import { notifications } from '@mantine/notifications';
import { useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { mutationOutcome } from '../../components/mutation-result.ts';
import { AdminProfileCreateDocument, AdminProfileInviteDocument } from '../../generated/graphql.ts';
import { useT } from '../../i18n/i18n.tsx';
import { usePermission } from '../../permissions.tsx';

/**
 * "Invite by email" on the Profiles page: a name and an address, then the
 * Confirm step says who will get what, and one click creates the profile and
 * sends the invitation (profileCreate, then profileInvite). A refusal lands
 * next to its field; a profile created whose invitation was refused stays, its
 * page opens and a notice gives the reason.
 */
export function CreateAndInviteButton() {
  const t = useT();
  const invite = usePermission('INVITE');
  const [open, setOpen] = useState(false);
  if (!invite.allowed) return null;
  return (
    <>
      <Button variant="default" onClick={() => setOpen(true)}>
        {t('createInvite.open')}
      </Button>
      {open && <CreateAndInviteDialog onClose={() => setOpen(false)} />}
    </>
  );
}

function CreateAndInviteDialog({ onClose, returnFocusTo }: { onClose(): void; returnFocusTo?: RefObject<HTMLElement | null> }) {
  const t = useT();
  const navigate = useNavigate();
  const [values, setValues] = useState({ firstName: '', lastName: '', email: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [refusal, setRefusal] = useState<string | null>(null);
  const [created, createProfile] = useMutation(AdminProfileCreateDocument);
  const [invited, inviteProfile] = useMutation(AdminProfileInviteDocument);
  const complete = Boolean(values.firstName.trim() && values.lastName.trim() && values.email.trim());

  const confirm = async () => {
    setErrors({});
    setRefusal(null);
    const made = await createProfile({ input: values });
    const createdOutcome = mutationOutcome(made.data?.profileCreate, made.error, 'ProfilePayload', t);
    if (!createdOutcome.ok) {
      if (createdOutcome.field) setErrors({ [createdOutcome.field]: createdOutcome.message });
      else setRefusal(createdOutcome.message);
      return;
    }
    const id = createdOutcome.ok.profile.id;
    const sent = await inviteProfile({ input: { profileId: id } });
    const invitedOutcome = mutationOutcome(sent.data?.profileInvite, sent.error, 'ProfileInvitePayload', t);
    onClose();
    if (!invitedOutcome.ok) notifications.show({ color: 'red', message: invitedOutcome.message, autoClose: false });
    navigate(`/profiles/${encodeURIComponent(id)}`);
  };

  const field = (name: keyof typeof values, type = 'text') => (
    <TextInput
      label={t(`createInvite.${name}`)}
      type={type}
      required
      value={values[name]}
      error={errors[name]}
      onChange={(event) => {
        setValues({ ...values, [name]: event.currentTarget.value });
        // A refusal is about the value that was sent: it goes once the field changes.
        setErrors(({ [name]: _, ...others }) => others);
      }}
    />
  );

  return (
    <ConfirmDialog
      opened
      title={t('createInvite.title')}
      onCancel={onClose}
      onConfirm={() => void confirm()}
      confirmLabel={t('createInvite.confirm')}
      confirmDisabled={!complete}
      busy={created.fetching || invited.fetching}
      returnFocusTo={returnFocusTo}
    >
      <Stack gap="xs">
        {field('firstName')}
        {field('lastName')}
        {field('email', 'email')}
        <Text size="sm" aria-live="polite">
          {complete
            ? t('createInvite.preview', { name: `${values.firstName.trim()} ${values.lastName.trim()}`, email: values.email.trim() })
            : t('createInvite.hint')}
        </Text>
        {refusal && (
          <Alert color="red" role="alert" variant="light">
            {refusal}
          </Alert>
        )}
      </Stack>
    </ConfirmDialog>
  );
}
