import { Alert, Button, Group, NumberInput, Paper, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { AdminOrganizationSettingsDocument, AdminOrganizationUpdateDocument, type OrganizationForm_OrganizationFragment } from '../../generated/graphql.ts';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { mutationOutcome } from '../../components/mutation-result.ts';
import { ErrorState, Loading } from '../../components/states.tsx';
import { useT } from '../../i18n/i18n.tsx';
import { LOCALE_LABELS } from '../../labels.ts';

export function OrganizationSettings() {
  const [{ data, error }, reexecute] = useQuery({ query: AdminOrganizationSettingsDocument });
  if (error && !data) return <ErrorState error={error} retry={() => reexecute({ requestPolicy: 'network-only' })} />;
  if (!data) return <Loading />;
  return <OrganizationForm organization={data.organization} />;
}

const FIELDS = new Set(['name', 'invitationValidityHours', 'appStoreUrl', 'playStoreUrl', 'reminderHoursBeforeExpiry', 'defaultLocale', 'timeZone']);

/** The browser's list of IANA time zones (Intl), for the time zone picker. */
const TIME_ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];

function OrganizationForm({ organization }: { organization: OrganizationForm_OrganizationFragment }) {
  const t = useT();
  const [{ fetching }, save] = useMutation(AdminOrganizationUpdateDocument);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    initialValues: {
      name: organization.name,
      invitationValidityHours: organization.invitationValidityHours,
      appStoreUrl: organization.appStoreUrl ?? '',
      playStoreUrl: organization.playStoreUrl ?? '',
      remind: organization.reminderHoursBeforeExpiry !== null,
      reminderHoursBeforeExpiry: organization.reminderHoursBeforeExpiry ?? 24,
      inviteeMayRequestNewLink: organization.inviteeMayRequestNewLink,
      defaultLocale: organization.defaultLocale,
      timeZone: organization.timeZone,
    },
    // Out of range is said next to the field, never silently changed (1000 h is not saved as 720).
    validateInputOnChange: ['invitationValidityHours', 'reminderHoursBeforeExpiry'],
    validate: {
      invitationValidityHours: (value) => (Number.isInteger(Number(value)) && Number(value) >= 1 && Number(value) <= 720 ? null : t('org.validityRange')),
      reminderHoursBeforeExpiry: (value, values) =>
        !values.remind || (Number.isInteger(Number(value)) && Number(value) >= 1 && Number(value) <= 719) ? null : t('org.reminderRange'),
      name: (value) => (value.trim() ? null : t('form.required')),
    },
  });

  async function onSubmit(values: typeof form.values) {
    setFormError(null);
    const { remind, ...settings } = values;
    const result = await save({
      input: {
        ...settings,
        invitationValidityHours: Number(values.invitationValidityHours),
        appStoreUrl: values.appStoreUrl.trim() || null,
        playStoreUrl: values.playStoreUrl.trim() || null,
        reminderHoursBeforeExpiry: remind ? Number(values.reminderHoursBeforeExpiry) : null,
      },
    });
    const outcome = mutationOutcome(result.data?.organizationUpdate, result.error, 'OrganizationPayload', t);
    if (outcome.ok) notifications.show({ color: 'teal', message: t('org.saved') });
    else if (outcome.field && FIELDS.has(outcome.field)) form.setFieldError(outcome.field, outcome.message);
    else setFormError(outcome.message);
  }

  return (
    <Paper withBorder p="md" maw={640}>
      <form onSubmit={form.onSubmit(onSubmit)} noValidate aria-label={t('org.form')}>
        <Stack>
          <Text size="sm">{t('org.plan', { plan: t(`plan.${organization.plan}`) })}</Text>
          {formError && (
            <Alert color="red" role="alert">
              {formError}
            </Alert>
          )}
          <TextInput label={t('org.name')} required {...form.getInputProps('name')} />
          <NumberInput
            label={t('org.validity')}
            description={t('org.validityHint')}
            min={1}
            max={720}
            clampBehavior="none"
            {...form.getInputProps('invitationValidityHours')}
          />
          <TextInput label={t('org.appStore')} description={t('org.appStoreHint')} type="url" {...form.getInputProps('appStoreUrl')} />
          <TextInput label={t('org.playStore')} type="url" {...form.getInputProps('playStoreUrl')} />
          <Switch label={t('org.remind')} {...form.getInputProps('remind', { type: 'checkbox' })} />
          {form.values.remind && (
            <NumberInput
              label={t('org.reminder')}
              description={t('org.reminderHint')}
              min={1}
              max={719}
              clampBehavior="none"
              {...form.getInputProps('reminderHoursBeforeExpiry')}
            />
          )}
          <Switch label={t('org.newLink')} {...form.getInputProps('inviteeMayRequestNewLink', { type: 'checkbox' })} />
          <Select
            label={t('org.defaultLanguage')}
            description={t('org.defaultLanguageHint')}
            data={Object.entries(LOCALE_LABELS).map(([value, label]) => ({ value, label }))}
            allowDeselect={false}
            {...form.getInputProps('defaultLocale')}
          />
          <Select
            label={t('org.timeZone')}
            description={t('org.timeZoneHint')}
            data={TIME_ZONES}
            searchable
            allowDeselect={false}
            {...form.getInputProps('timeZone')}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={fetching}>
              {t('org.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
