import { Button, Card, Group, Modal, SimpleGrid, Stack, Table, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { AdminLotsAndTagsSettingsDocument, type LotOrTagRow_ParkingLotFragment } from '../../generated/graphql.ts';
import {
  ParkingLotCreateDocument,
  ParkingLotDeleteDocument,
  ParkingLotUpdateDocument,
  TagCreateDocument,
  TagDeleteDocument,
  TagUpdateDocument,
} from '@parkpass/sdk';
import { useState } from 'react';
import { type AnyVariables, type TypedDocumentNode, useMutation, useQuery } from 'urql';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { EmptyState, ErrorState, errorMessage, Loading } from '../../components/states.tsx';
import { type MessageId, useT } from '../../i18n/i18n.tsx';

type Row = Pick<LotOrTagRow_ParkingLotFragment, 'id' | 'name' | 'profileCount'>;
/** What the create, rename and delete mutations answer, read the same way for lots and tags. */
type Answer = { __typename: string; message?: string; path?: string[] } | undefined;

export function LotsAndTagsSettings() {
  const t = useT();
  const [{ data, error }, reexecute] = useQuery({ query: AdminLotsAndTagsSettingsDocument });
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  if (error && !data) return <ErrorState error={error} retry={refresh} />;
  if (!data) return <Loading />;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <NamedList
        title={t('lots.title')}
        words={LOT_WORDS}
        rows={data.parkingLots.edges.map((e) => e.node)}
        onChanged={refresh}
        create={ParkingLotCreateDocument}
        createKey="parkingLotCreate"
        update={ParkingLotUpdateDocument}
        updateKey="parkingLotUpdate"
        remove={ParkingLotDeleteDocument}
        removeKey="parkingLotDelete"
      />
      <NamedList
        title={t('tags.title')}
        words={TAG_WORDS}
        rows={data.tags.edges.map((e) => e.node)}
        onChanged={refresh}
        create={TagCreateDocument}
        createKey="tagCreate"
        update={TagUpdateDocument}
        updateKey="tagUpdate"
        remove={TagDeleteDocument}
        removeKey="tagDelete"
      />
    </SimpleGrid>
  );
}

interface Words {
  none: MessageId;
  add: MessageId;
  renameTitle: MessageId;
  deleteTitle: MessageId;
  deleteWarning: MessageId;
}
const LOT_WORDS: Words = {
  none: 'lots.none',
  add: 'lots.new',
  renameTitle: 'lots.renameTitle',
  deleteTitle: 'lots.deleteTitle',
  deleteWarning: 'lots.deleteWarning',
};
const TAG_WORDS: Words = {
  none: 'tags.none',
  add: 'tags.new',
  renameTitle: 'tags.renameTitle',
  deleteTitle: 'tags.deleteTitle',
  deleteWarning: 'tags.deleteWarning',
};

interface NamedListProps {
  title: string;
  words: Words;
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
}

const answerOf = (data: Record<string, Answer> | undefined, key: string): Answer => data?.[key];

/** Parking lots or tags: the list with how many profiles use each, add, rename, delete. */
function NamedList(props: NamedListProps) {
  const t = useT();
  const { title, words, rows, onChanged } = props;
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [{ fetching }, create] = useMutation(props.create as TypedDocumentNode<Record<string, Answer>, AnyVariables>);

  async function onCreate(event: React.FormEvent) {
    event.preventDefault();
    setNameError(null);
    const result = await create({ input: { name } });
    const answer = answerOf(result.data, props.createKey);
    if (answer && 'message' in answer && answer.message) setNameError(answer.message);
    else if (result.error) setNameError(errorMessage(result.error, t));
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
          <EmptyState title={t(words.none)} />
        ) : (
          <Table aria-label={title} verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('named.name')}</Table.Th>
                <Table.Th>{t('named.profiles')}</Table.Th>
                <Table.Th>{t('named.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <NamedRow key={row.id} row={row} {...props} />
              ))}
            </Table.Tbody>
          </Table>
        )}
        <form onSubmit={onCreate} aria-label={t(words.add)}>
          <Group align="flex-start" gap="xs">
            <TextInput label={t(words.add)} value={name} onChange={(e) => setName(e.currentTarget.value)} error={nameError} required style={{ flex: 1 }} />
            <Button type="submit" loading={fetching} mt={24}>
              {t('named.add')}
            </Button>
          </Group>
        </form>
      </Stack>
    </Card>
  );
}

function NamedRow({ row, words, onChanged, update, updateKey, remove, removeKey }: NamedListProps & { row: Row }) {
  const t = useT();
  const [renaming, rename] = useDisclosure(false);
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
    else if (result.error) setFailure(errorMessage(result.error, t));
    else {
      rename.close();
      onChanged();
    }
  }
  async function onDelete() {
    const result = await runRemove({ id: row.id });
    const answer = answerOf(result.data, removeKey);
    if (answer?.message) return answer.message;
    if (result.error) return errorMessage(result.error, t);
    notifications.show({ message: t('named.deleted', { name: row.name }) });
    onChanged();
    return null;
  }

  return (
    <Table.Tr>
      <Table.Td>{row.name}</Table.Td>
      <Table.Td>{row.profileCount}</Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          <Button size="compact-sm" variant="default" onClick={rename.open} aria-label={t('named.renameOne', { name: row.name })}>
            {t('named.rename')}
          </Button>
          <ConfirmButton
            label={t('named.delete')}
            ariaLabel={t('named.deleteOne', { name: row.name })}
            title={t(words.deleteTitle, { name: row.name })}
            text={t('named.usedBy', { count: row.profileCount, warning: t(words.deleteWarning) })}
            onConfirm={onDelete}
            busy={removeState.fetching}
          />
        </Group>
        <Modal opened={renaming} onClose={rename.close} title={t(words.renameTitle, { name: row.name })} closeButtonProps={{ 'aria-label': t('dialog.close') }}>
          <form onSubmit={onRename} aria-label={t('named.renameOne', { name: row.name })}>
            <Stack>
              <TextInput label={t('named.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={failure} required data-autofocus />
              <Group justify="flex-end">
                <Button variant="default" onClick={rename.close}>
                  {t('dialog.cancel')}
                </Button>
                <Button type="submit" loading={updateState.fetching}>
                  {t('named.rename')}
                </Button>
              </Group>
            </Stack>
          </form>
        </Modal>
      </Table.Td>
    </Table.Tr>
  );
}
