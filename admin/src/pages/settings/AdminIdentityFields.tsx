import { Alert, TextInput } from '@mantine/core';
import type { GetInputPropsReturnType } from '@mantine/form';
import { useT } from '../../i18n/i18n.tsx';

interface Props {
  /** The form's getInputProps (its values have a name and an email). */
  inputProps(field: 'name' | 'email'): GetInputPropsReturnType;
  /** A refusal that names no field, said above the fields. */
  failure: string | null;
}

/** What both ways onto the admin team ask first (Invite admin, Add admin): a refusal if any, then the name (focused when the dialog opens) and the email. */
export function AdminIdentityFields({ inputProps, failure }: Props) {
  const t = useT();
  return (
    <>
      {failure && (
        <Alert color="red" role="alert">
          {failure}
        </Alert>
      )}
      <TextInput label={t('admins.name')} required data-autofocus {...inputProps('name')} />
      <TextInput label={t('admins.email')} type="email" required {...inputProps('email')} />
    </>
  );
}
