import { Alert, Button, Card, Group, Modal, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import {
  AdminLotsAndTagsSettingsDocument,
  type LotOrTagRow_ParkingLotFragment,
  ParkingLotCreateDocument,
  ParkingLotDeleteDocument,
  ParkingLotUpdateDocument,
  TagCreateDocument,
  TagDeleteDocument,
  TagUpdateDocument,
} from '@parkpass/sdk';
import { useState } from 'react';
import { type AnyVariables, type TypedDocumentNode, useMutation, useQuery } from 'urql';
import { EmptyState, ErrorState, errorMessage, Loading } from '../../components/states.tsx';
import { plural } from '../../labels.ts';

type Row = Pick<LotOrTagRow_ParkingLotFragment, 'id' | 'name' | 'profileCount'>;
/** What the create, rename and delete mutations answer, read the same way for lots and tags. */
type Answer = { __typename: string; message?: string; path?: string[] } | undefined;

export function LotsAndTagsSettings() {
  const [{ data, error }, reexecute] = useQuery({ query: AdminLotsAndTagsSettingsDocument });
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  if (error && !data) return <ErrorState error={error} retry={refresh} />;
  if (!data) return <Loading />;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <NamedList
        title="Parking lots"
        noun="parking lot"
        rows={data.parkingLots.edges.map((e) => e.node)}
        onChanged={refresh}
        create={ParkingLotCreateDocument}
        createKey="parkingLotCreate"
        update={ParkingLotUpdateDocument}
        updateKey="parkingLotUpdate"
        remove={ParkingLotDeleteDocument}
        removeKey="parkingLotDelete"
        deleteWarning="The profiles that have access to it lose that access (their other lots stay)."
      />
      <NamedList
        title="Tags"
        noun="tag"
        rows={data.tags.edges.map((e) => e.node)}
        onChanged={refresh}
        create={TagCreateDocument}
        createKey="tagCreate"
        update={TagUpdateDocument}
        updateKey="tagUpdate"
        remove={TagDeleteDocument}
        removeKey="tagDelete"
        deleteWarning="It is taken off the profiles that have it (their other tags stay)."
      />
    </SimpleGrid>
  );
}

interface NamedListProps {
  title: string;
  noun: string;
  rows: Row[];
  onChanged(): void;
  // biome-ignore lint/suspicious/noExplicitAny: the lot and tag documents differ in their results; only the variables matter here.
  create: TypedDocumentNode<any, { input: { name: string } }>;
  createKey: string;
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  update: TypedDocumentNode<any, { id: string; input: { name: string } }>;
  updateKey: string;
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  remove: TypedDocumentNode<any, { id: string }>;
  removeKey: string;
  deleteWarning: string;
}

const answerOf = (data: Record<string, Answer> | undefined, key: string): Answer => data?.[key];

/** Parking lots or tags: the list with how many profiles use each, add, rename, delete. */
function NamedList(props: NamedListProps) {
  const { title, noun, rows, onChanged } = props;
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [{ fetching }, create] = useMutation(props.create as TypedDocumentNode<Record<string, Answer>, AnyVariables>);

  async function onCreate(event: React.FormEvent) {
    event.preventDefault();
    setNameError(null);
    const result = await create({ input: { name } });
    const answer = answerOf(result.data, props.createKey);
    if (answer && 'message' in answer && answer.message) setNameError(answer.message);
    else if (result.error) setNameError(errorMessage(result.error));
    else {
      setName('');
      onChanged();
    }
  }

  return (
    <Card withBorder component="section" aria-label={title}>
      <Title order={2} size="h4" mb="sm">
        {title}
      </Title>
      <Stack gap="sm">
        {rows.length === 0 ? (
          <EmptyState title={`No ${noun}s yet`} />
        ) : (
          <Table aria-label={title} verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Profiles</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <NamedRow key={row.id} row={row} {...props} />
              ))}
            </Table.Tbody>
          </Table>
        )}
        <form onSubmit={onCreate} aria-label={`New ${noun}`}>
          <Group align="flex-start" gap="xs">
            <TextInput label={`New ${noun}`} value={name} onChange={(e) => setName(e.currentTarget.value)} error={nameError} required style={{ flex: 1 }} />
            <Button type="submit" loading={fetching} mt={24}>
              Add
            </Button>
          </Group>
        </form>
      </Stack>
    </Card>
  );
}

function NamedRow({ row, noun, onChanged, update, updateKey, remove, removeKey, deleteWarning }: NamedListProps & { row: Row }) {
  const [renaming, rename] = useDisclosure(false);
  const [deleting, del] = useDisclosure(false);
  const [name, setName] = useState(row.name);
  const [failure, setFailure] = useState<string | null>(null);
  const [updateState, runUpdate] = useMutation(update as TypedDocumentNode<Record<string, Answer>, AnyVariables>);
  const [removeState, runRemove] = useMutation(remove as TypedDocumentNode<Record<string, Answer>, AnyVariables>);

  async function onRename(event: React.FormEvent) {
    event.preventDefault();
    setFailure(null);
    const result = await runUpdate({ id: row.id, input: { name } });
    const answer = answerOf(result.data, updateKey);
    if (answer?.message) setFailure(answer.message);
    else if (result.error) setFailure(errorMessage(result.error));
    else {
      rename.close();
      onChanged();
    }
  }
  async function onDelete() {
    setFailure(null);
    const result = await runRemove({ id: row.id });
    const answer = answerOf(result.data, removeKey);
    if (answer?.message) setFailure(answer.message);
    else if (result.error) setFailure(errorMessage(result.error));
    else {
      del.close();
      notifications.show({ message: `"${row.name}" was deleted.` });
      onChanged();
    }
  }

  return (
    <Table.Tr>
      <Table.Td>{row.name}</Table.Td>
      <Table.Td>{row.profileCount}</Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          <Button size="compact-sm" variant="default" onClick={rename.open} aria-label={`Rename ${row.name}`}>
            Rename
          </Button>
          <Button size="compact-sm" variant="default" onClick={del.open} aria-label={`Delete ${row.name}`}>
            Delete
          </Button>
        </Group>
        <Modal opened={renaming} onClose={rename.close} title={`Rename the ${noun} "${row.name}"`}>
          <form onSubmit={onRename} aria-label={`Rename ${row.name}`}>
            <Stack>
              <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={failure} required data-autofocus />
              <Group justify="flex-end">
                <Button variant="default" onClick={rename.close}>
                  Cancel
                </Button>
                <Button type="submit" loading={updateState.fetching}>
                  Rename
                </Button>
              </Group>
            </Stack>
          </form>
        </Modal>
        <Modal opened={deleting} onClose={del.close} title={`Delete the ${noun} "${row.name}"?`}>
          <Stack>
            <Text size="sm">
              {plural(row.profileCount, 'profile')} {row.profileCount === 1 ? 'has' : 'have'} it. {deleteWarning} Nothing is sent to anyone.
            </Text>
            {failure && (
              <Alert color="red" role="alert">
                {failure}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={del.close}>
                Cancel
              </Button>
              <Button color="red.9" onClick={onDelete} loading={removeState.fetching}>
                Delete
              </Button>
            </Group>
          </Stack>
        </Modal>
      </Table.Td>
    </Table.Tr>
  );
}
