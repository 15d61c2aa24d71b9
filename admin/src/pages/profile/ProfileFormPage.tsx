import { Alert, Anchor, Button, Checkbox, Group, MultiSelect, Paper, SimpleGrid, Stack, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import {
  AdminFilterOptionsDocument,
  AdminProfileCreateDocument,
  AdminProfilePageDocument,
  AdminProfileUpdateDocument,
  type FilterOptions_QueryFragment,
  type PaymentMethod,
  type ProfileDetails_ProfileFragment,
} from '@parkpass/sdk';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { EmptyState, ErrorState, errorMessage, Loading } from '../../components/states.tsx';
import { PAYMENT_METHOD_LABELS } from '../../labels.ts';
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
}

const FIELDS: ReadonlySet<string> = new Set(['firstName', 'lastName', 'email', 'phone', 'externalId', 'parkingLotIds', 'tagIds', 'paymentMethods']);

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
  const { id = '' } = useParams();
  const [{ data, error }, reexecute] = useQuery({ query: AdminProfilePageDocument, variables: { id } });
  const [options] = useFormOptions();
  const failed = error ?? options.error;
  if (failed && !(data && options.data)) return <ErrorState error={failed} retry={() => reexecute({ requestPolicy: 'network-only' })} />;
  if (!data || !options.data) return <Loading />;
  if (!data.profile) return <EmptyState title="This profile does not exist">It may have been deleted.</EmptyState>;
  return <ProfileForm options={options.data} profile={data.profile} />;
}

/** Create or edit a profile. The API's typed errors land next to the field their `path` names. */
function ProfileForm({ options, profile }: { options: FilterOptions_QueryFragment; profile: ProfileDetails_ProfileFragment | null }) {
  const access = usePermission('EDIT_PROFILES');
  const navigate = useNavigate();
  const [formError, setFormError] = useState<string | null>(null);
  const [create, createProfile] = useMutation(AdminProfileCreateDocument);
  const [update, updateProfile] = useMutation(AdminProfileUpdateDocument);
  const form = useForm<FormValues>({
    initialValues: {
      firstName: profile?.firstName ?? '',
      lastName: profile?.lastName ?? '',
      email: profile?.email ?? '',
      phone: profile?.phone ?? '',
      externalId: profile?.externalId ?? '',
      parkingLotIds: profile?.parkingLots.map((l) => l.id) ?? [],
      tagIds: profile?.tags.map((t) => t.id) ?? [],
      paymentMethods: profile?.paymentMethods ?? [],
    },
  });

  if (!access.allowed)
    return (
      <Alert color="yellow" title={profile ? 'You cannot edit profiles' : 'You cannot create profiles'}>
        {access.reason}
      </Alert>
    );

  async function onSubmit(values: FormValues) {
    setFormError(null);
    const input = {
      ...values,
      phone: values.phone.trim() || null,
      externalId: values.externalId.trim() || null,
    };
    const result = profile
      ? await updateProfile({ id: profile.id, input })
      : await createProfile(
          { input: { ...input, phone: input.phone ?? undefined, externalId: input.externalId ?? undefined } },
          { additionalTypenames: ['Profile'] },
        );
    const answer = result.data && ('profileUpdate' in result.data ? result.data.profileUpdate : result.data.profileCreate);
    if (answer?.__typename === 'ProfilePayload') {
      notifications.show({ color: 'teal', message: profile ? 'Saved.' : `${answer.profile.fullName} was created.` });
      navigate(`/profiles/${encodeURIComponent(answer.profile.id)}`);
      return;
    }
    if (answer && 'message' in answer) {
      const field = 'path' in answer ? answer.path[1] : undefined;
      if (field && FIELDS.has(field)) form.setFieldError(field, answer.message);
      else setFormError(answer.message);
    } else if (result.error) setFormError(errorMessage(result.error));
  }

  const lotOptions = options.parkingLots.edges.map(({ node }) => ({ value: node.id, label: node.name }));
  const tagOptions = options.tags.edges.map(({ node }) => ({ value: node.id, label: node.name }));
  const back = profile ? `/profiles/${encodeURIComponent(profile.id)}` : '/profiles';

  return (
    <Stack gap="md" maw={760}>
      <Anchor component={Link} to={back} size="sm">
        ← {profile ? profile.fullName : 'Profiles'}
      </Anchor>
      <Title order={1}>{profile ? `Edit ${profile.fullName}` : 'New profile'}</Title>
      <Paper withBorder p="md">
        <form onSubmit={form.onSubmit(onSubmit)} noValidate aria-label={profile ? 'Edit profile' : 'New profile'}>
          <Stack>
            {formError && (
              <Alert color="red" role="alert">
                {formError}
              </Alert>
            )}
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput label="First name" required {...form.getInputProps('firstName')} />
              <TextInput label="Last name" required {...form.getInputProps('lastName')} />
              <TextInput
                label="Email"
                required
                type="email"
                description="Nothing is sent to it until you invite the person."
                {...form.getInputProps('email')}
              />
              <TextInput label="Phone" type="tel" {...form.getInputProps('phone')} />
              <TextInput label="External id" description="The id in your HR system, if any." {...form.getInputProps('externalId')} />
            </SimpleGrid>
            <MultiSelect
              label="Access"
              description="The parking lots this person may use; none for no access."
              data={lotOptions}
              searchable
              {...form.getInputProps('parkingLotIds')}
            />
            <MultiSelect label="Tags" data={tagOptions} searchable {...form.getInputProps('tagIds')} />
            <Checkbox.Group label="Payment methods" {...form.getInputProps('paymentMethods')}>
              <Group mt={4}>
                {Object.entries(PAYMENT_METHOD_LABELS).map(([value, label]) => (
                  <Checkbox key={value} value={value} label={label} />
                ))}
              </Group>
            </Checkbox.Group>
            <Group justify="flex-end">
              <Button variant="default" component={Link} to={back}>
                Cancel
              </Button>
              <Button type="submit" loading={create.fetching || update.fetching}>
                {profile ? 'Save' : 'Create profile'}
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
