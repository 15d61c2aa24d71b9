import { Alert, Button, Group, NumberInput, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { AdminOrganizationSettingsDocument, AdminOrganizationUpdateDocument, type OrganizationForm_OrganizationFragment } from '@parkpass/sdk';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorState, errorMessage, Loading } from '../../components/states.tsx';
import { PLAN_LABELS } from '../../labels.ts';

export function OrganizationSettings() {
  const [{ data, error }, reexecute] = useQuery({ query: AdminOrganizationSettingsDocument });
  if (error && !data) return <ErrorState error={error} retry={() => reexecute({ requestPolicy: 'network-only' })} />;
  if (!data) return <Loading />;
  return <OrganizationForm organization={data.organization} />;
}

const FIELDS = new Set(['name', 'invitationValidityHours', 'appStoreUrl', 'playStoreUrl']);

function OrganizationForm({ organization }: { organization: OrganizationForm_OrganizationFragment }) {
  const [{ fetching }, save] = useMutation(AdminOrganizationUpdateDocument);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    initialValues: {
      name: organization.name,
      invitationValidityHours: organization.invitationValidityHours,
      appStoreUrl: organization.appStoreUrl ?? '',
      playStoreUrl: organization.playStoreUrl ?? '',
    },
  });

  async function onSubmit(values: typeof form.values) {
    setFormError(null);
    const result = await save({
      input: {
        ...values,
        invitationValidityHours: Number(values.invitationValidityHours),
        appStoreUrl: values.appStoreUrl.trim() || null,
        playStoreUrl: values.playStoreUrl.trim() || null,
      },
    });
    const answer = result.data?.organizationUpdate;
    if (answer?.__typename === 'OrganizationPayload') notifications.show({ color: 'teal', message: 'Organization settings saved.' });
    else if (answer && 'message' in answer) {
      const field = 'path' in answer ? answer.path[1] : undefined;
      if (field && FIELDS.has(field)) form.setFieldError(field, answer.message);
      else setFormError(answer.message);
    } else if (result.error) setFormError(errorMessage(result.error));
  }

  return (
    <Paper withBorder p="md" maw={640}>
      <form onSubmit={form.onSubmit(onSubmit)} noValidate aria-label="Organization settings">
        <Stack>
          <Text size="sm">Plan: {PLAN_LABELS[organization.plan]}</Text>
          {formError && (
            <Alert color="red" role="alert">
              {formError}
            </Alert>
          )}
          <TextInput label="Name" required {...form.getInputProps('name')} />
          <NumberInput
            label="Invitation validity (hours)"
            description="From 1 hour to 720 (30 days). Invitations already sent keep their expiry."
            min={1}
            max={720}
            {...form.getInputProps('invitationValidityHours')}
          />
          <TextInput label="App Store link" description="In the email sent once a person accepts." type="url" {...form.getInputProps('appStoreUrl')} />
          <TextInput label="Google Play link" type="url" {...form.getInputProps('playStoreUrl')} />
          <Group justify="flex-end">
            <Button type="submit" loading={fetching}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
