import { Alert, Anchor, Button, Checkbox, Group, MultiSelect, Paper, Select, SimpleGrid, Stack, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import {
  AdminFilterOptionsDocument,
  AdminProfileCreateDocument,
  AdminProfilePageDocument,
  AdminProfileUpdateDocument,
  type FilterOptions_QueryFragment,
  type ProfileDetails_ProfileFragment,
} from '../../generated/graphql.ts';
import type { Locale, PaymentMethod } from '@parkpass/sdk';
import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { mutationOutcome } from '../../components/mutation-result.ts';
import { EmptyState, ErrorState, Loading } from '../../components/states.tsx';
import { type Translate, useT } from '../../i18n/i18n.tsx';
import { LOCALE_LABELS, PAYMENT_METHODS } from '../../labels.ts';
import { usePermission } from '../../permissions.tsx';

interface FormValues {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  externalId: string;
  parkingLotIds: string[];
  tagIds: string[];
  paymentMethods: PaymentMethod[];
  /** ORGANIZATION: the organization's default language. */
  locale: 'ORGANIZATION' | Locale;
}

/** The API's limits (server/profiles/profile-input.ts), checked while typing. */
export const LIMITS = { firstName: 100, lastName: 100, email: 254, phone: 30, externalId: 200 } as const;

const FIELDS: ReadonlySet<string> = new Set(['firstName', 'lastName', 'email', 'phone', 'externalId', 'parkingLotIds', 'tagIds', 'paymentMethods', 'locale']);

function useFormOptions() {
  return useQuery({ query: AdminFilterOptionsDocument, requestPolicy: 'cache-first' });
}

export function ProfileNewPage() {
  const [{ data, error }, reexecute] = useFormOptions();
  if (error && !data) return <ErrorState error={error} retry={() => reexecute({ requestPolicy: 'network-only' })} />;
  if (!data) return <Loading />;
  return <ProfileForm options={data} profile={null} />;
}

export function ProfileEditPage() {
  const t = useT();
  const { id = '' } = useParams();
  const [{ data, error }, reexecute] = useQuery({ query: AdminProfilePageDocument, variables: { id } });
  const [options] = useFormOptions();
  const failed = error ?? options.error;
  if (failed && !(data && options.data)) return <ErrorState error={failed} retry={() => reexecute({ requestPolicy: 'network-only' })} />;
  if (!data || !options.data) return <Loading />;
  if (!data.profile) return <EmptyState title={t('profile.missing')}>{t('profile.missingHint')}</EmptyState>;
  return <ProfileForm options={options.data} profile={data.profile} />;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function validate(t: Translate) {
  const text = (max: number, required: boolean) => (value: string) =>
    required && !value.trim() ? t('form.required') : [...value].length > max ? t('form.tooLong', { max }) : null;
  return {
    firstName: text(LIMITS.firstName, true),
    lastName: text(LIMITS.lastName, true),
    email: (value: string) => text(LIMITS.email, true)(value) ?? (EMAIL.test(value.trim()) ? null : t('form.invalidEmail')),
    phone: text(LIMITS.phone, false),
    externalId: text(LIMITS.externalId, false),
  };
}

/** Create or edit a profile. Checked while typing; the API's typed refusals land next to the field their `path` names. */
function ProfileForm({ options, profile }: { options: FilterOptions_QueryFragment; profile: ProfileDetails_ProfileFragment | null }) {
  const t = useT();
  const access = usePermission('EDIT_PROFILES');
  const navigate = useNavigate();
  const location = useLocation();
  const [formError, setFormError] = useState<string | null>(null);
  const [create, createProfile] = useMutation(AdminProfileCreateDocument);
  const [update, updateProfile] = useMutation(AdminProfileUpdateDocument);
  const form = useForm<FormValues>({
    mode: 'controlled',
    validateInputOnBlur: true,
    initialValues: {
      firstName: profile?.firstName ?? '',
      lastName: profile?.lastName ?? '',
      email: profile?.email ?? '',
      phone: profile?.phone ?? '',
      externalId: profile?.externalId ?? '',
      parkingLotIds: profile?.parkingLots.map((l) => l.id) ?? [],
      tagIds: profile?.tags.map((tag) => tag.id) ?? [],
      paymentMethods: profile?.paymentMethods ?? [],
      locale: profile?.locale ?? 'ORGANIZATION',
    },
    validate: validate(t),
  });

  if (!access.allowed)
    return (
      <Alert color="yellow" title={profile ? t('form.cannotEdit') : t('form.cannotCreate')}>
        {access.reason}
      </Alert>
    );

  // The person has an open invitation: a new address closes it (the server revokes it).
  const openInvitation = profile?.status === 'PENDING' && profile.latestInvitation?.state === 'OPEN';
  const emailChanged = profile !== null && form.values.email.trim().toLowerCase() !== profile.email.toLowerCase();

  async function onSubmit(values: FormValues) {
    setFormError(null);
    const input = {
      ...values,
      firstName: values.firstName.trim(),
      lastName: values.lastName.trim(),
      email: values.email.trim(),
      phone: values.phone.trim() || null,
      externalId: values.externalId.trim() || null,
      locale: values.locale === 'ORGANIZATION' ? null : values.locale,
    };
    const result = profile
      ? await updateProfile({ id: profile.id, input })
      : await createProfile(
          { input: { ...input, phone: input.phone ?? undefined, externalId: input.externalId ?? undefined, locale: input.locale ?? undefined } },
          { additionalTypenames: ['Profile'] },
        );
    const answer = result.data && ('profileUpdate' in result.data ? result.data.profileUpdate : result.data.profileCreate);
    const outcome = mutationOutcome(answer, result.error, 'ProfilePayload', t);
    if (outcome.ok) {
      const saved = outcome.ok.profile;
      notifications.show({
        color: 'teal',
        message: !profile
          ? t('form.created', { name: saved.fullName })
          : openInvitation && emailChanged
            ? t('form.savedInvitationClosed', { name: saved.fullName })
            : t('form.saved'),
      });
      navigate(`/profiles/${encodeURIComponent(saved.id)}`, { state: location.state });
      return;
    }
    if (outcome.field && FIELDS.has(outcome.field)) form.setFieldError(outcome.field, outcome.message);
    else setFormError(outcome.message);
  }

  const lotOptions = options.parkingLots.edges.map(({ node }) => ({ value: node.id, label: node.name }));
  const tagOptions = options.tags.edges.map(({ node }) => ({ value: node.id, label: node.name }));
  const back = profile ? `/profiles/${encodeURIComponent(profile.id)}` : '/profiles';
  const counter = (field: keyof typeof LIMITS) => ({ maxLength: LIMITS[field], ...form.getInputProps(field) });

  return (
    <Stack gap="md" maw={760}>
      <Anchor component={Link} to={back} state={location.state} size="sm">
        ← {profile ? profile.fullName : t('app.profiles')}
      </Anchor>
      <Title order={1}>{profile ? t('form.edit', { name: profile.fullName }) : t('form.new')}</Title>
      <Paper withBorder p="md">
        <form onSubmit={form.onSubmit(onSubmit, () => setFormError(t('form.fixErrors')))} noValidate aria-label={profile ? t('form.editForm') : t('form.new')}>
          <Stack>
            {formError && (
              <Alert color="red" role="alert">
                {formError}
              </Alert>
            )}
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput label={t('form.firstName')} required {...counter('firstName')} />
              <TextInput label={t('form.lastName')} required {...counter('lastName')} />
              <TextInput
                label={t('form.email')}
                required
                type="email"
                description={openInvitation ? t('form.emailHintInvited') : t('form.emailHint')}
                {...counter('email')}
              />
              <TextInput label={t('form.phone')} type="tel" {...counter('phone')} />
              <TextInput label={t('form.externalId')} description={t('form.externalIdHint')} {...counter('externalId')} />
              <Select
                label={t('form.language')}
                description={t('form.languageHint')}
                data={[
                  { value: 'ORGANIZATION', label: t('form.languageOrganization') },
                  ...Object.entries(LOCALE_LABELS).map(([value, label]) => ({ value, label })),
                ]}
                allowDeselect={false}
                {...form.getInputProps('locale')}
              />
            </SimpleGrid>
            <MultiSelect label={t('form.access')} description={t('form.accessHint')} data={lotOptions} searchable {...form.getInputProps('parkingLotIds')} />
            <MultiSelect label={t('form.tags')} data={tagOptions} searchable {...form.getInputProps('tagIds')} />
            <Checkbox.Group label={t('form.paymentMethods')} {...form.getInputProps('paymentMethods')}>
              <Group mt={4}>
                {PAYMENT_METHODS.map((method) => (
                  <Checkbox key={method} value={method} label={t(`payment.${method}`)} />
                ))}
              </Group>
            </Checkbox.Group>
            <Group justify="flex-end">
              <Button variant="default" component={Link} to={back} state={location.state}>
                {t('form.cancel')}
              </Button>
              <Button type="submit" loading={create.fetching || update.fetching}>
                {profile ? t('form.save') : t('form.create')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
