import {
  Alert,
  Badge,
  Box,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  Modal,
  MultiSelect,
  Radio,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import type { PaymentMethod } from '@parkpass/sdk';
import { useId, useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { mutationOutcome } from '../../components/mutation-result.ts';
import { EmptyState, ErrorState, Loading } from '../../components/states.tsx';
import {
  AdminDirectoryConnectionCreateDocument,
  AdminDirectoryConnectionDeleteDocument,
  AdminDirectoryConnectionRotateTokenDocument,
  AdminDirectoryConnectionUpdateDocument,
  AdminDirectoryGroupMapDocument,
  AdminDirectoryRequestsDocument,
  AdminDirectorySyncSettingsDocument,
  type AdminDirectorySyncSettingsQuery,
  type DirectoryConnectionCard_ConnectionFragment,
  type DirectoryGroupRow_GroupFragment,
  type DirectoryInvitePolicy,
} from '../../generated/graphql.ts';
import { useFormat, useT } from '../../i18n/i18n.tsx';
import { PAYMENT_METHODS } from '../../labels.ts';
import { usePermission } from '../../permissions.tsx';

// Settings → Directory sync: the directories (Entra ID, Okta) that provision
// people through SCIM. Owners create, rotate and delete connections (the token
// is shown once); owners and admins map each group the directory sent to
// parking access, choose when provisioned people are invited, and read the
// request log ("why wasn't Alice provisioned?").

type Options = { value: string; label: string }[];
type Connection = AdminDirectorySyncSettingsQuery['directoryConnections']['edges'][number]['node'];

const POLICIES: readonly DirectoryInvitePolicy[] = ['ON_PROVISIONING', 'ON_GO_LIVE_DATE', 'NEVER'];
const REQUESTS_PAGE = 50;

export function DirectorySyncSettings() {
  const t = useT();
  const mayManageConnections = usePermission('MANAGE_DIRECTORY_CONNECTIONS').allowed;
  const [{ data, error }, reexecute] = useQuery({ query: AdminDirectorySyncSettingsDocument });
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  if (error && !data) return <ErrorState error={error} retry={refresh} />;
  if (!data) return <Loading />;
  const connections = data.directoryConnections.edges.map((e) => e.node);
  const lots = data.parkingLots.edges.map((e) => ({ value: e.node.id, label: e.node.name }));
  const tags = data.tags.edges.map((e) => ({ value: e.node.id, label: e.node.name }));
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm">{t('directory.intro')}</Text>
        {mayManageConnections && <CreateConnection onCreated={refresh} />}
      </Group>
      {connections.length === 0 ? (
        <EmptyState title={t('directory.none')}>{t('directory.noneHint')}</EmptyState>
      ) : (
        connections.map((connection) => (
          <ConnectionCard key={connection.id} connection={connection} lots={lots} tags={tags} mayManage={mayManageConnections} onChanged={refresh} />
        ))
      )}
    </Stack>
  );
}

function ConnectionCard({
  connection,
  lots,
  tags,
  mayManage,
  onChanged,
}: {
  connection: Connection;
  lots: Options;
  tags: Options;
  mayManage: boolean;
  onChanged(): void;
}) {
  const t = useT();
  const format = useFormat();
  const headingId = useId();
  return (
    <Card withBorder component="section" aria-labelledby={headingId}>
      <Stack>
        <Group justify="space-between" align="flex-start">
          <Title order={2} size="h3" id={headingId}>
            {connection.name}
          </Title>
          {mayManage && (
            <Group gap="xs">
              <RotateToken connection={connection} onRotated={onChanged} />
              <DeleteConnection connection={connection} onDeleted={onChanged} />
            </Group>
          )}
        </Group>
        <Stack gap={4}>
          <Text size="sm" fw={500} id={`${headingId}-url`}>
            {t('directory.baseUrl')}
          </Text>
          <Group gap="xs">
            <Code style={{ overflowWrap: 'anywhere' }} aria-labelledby={`${headingId}-url`}>
              {connection.scimBaseUrl}
            </Code>
            <CopyButton value={connection.scimBaseUrl}>
              {({ copied, copy }) => (
                <Button size="compact-sm" variant="default" onClick={copy} aria-label={t('directory.copyUrlOf', { name: connection.name })}>
                  {copied ? t('keys.copied') : t('directory.copyUrl')}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Text size="xs" c="dimmed">
            {t('directory.baseUrlHint')}
          </Text>
        </Stack>
        <Text size="sm">
          {t('directory.facts', {
            prefix: connection.tokenPrefix,
            users: connection.userCount,
            created: format.dateTime(connection.createdAt),
            lastRequest: connection.lastRequestAt ? format.dateTime(connection.lastRequestAt) : t('directory.never'),
          })}
        </Text>
        <InvitePolicyForm connection={connection} onSaved={onChanged} />
        <GroupRules connection={connection} lots={lots} tags={tags} onMapped={onChanged} />
        <RequestLog connection={connection} />
      </Stack>
    </Card>
  );
}

/** A table wider than a phone: it scrolls sideways, and the keyboard can reach it to scroll (a named, focusable region). */
function ScrollRegion({ label, minWidth, children }: { label: string; minWidth: number; children: React.ReactNode }) {
  return (
    <Box component="section" aria-label={label} tabIndex={0} style={{ overflowX: 'auto' }}>
      <Box miw={minWidth}>{children}</Box>
    </Box>
  );
}

/** The token, shown once after create or rotate, with a button to copy it. */
function SecretShown({ secret, onDone }: { secret: string; onDone(): void }) {
  const t = useT();
  return (
    <Stack>
      <Text size="sm">{t('directory.secretText')}</Text>
      <Code block style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
        {secret}
      </Code>
      <Group justify="flex-end">
        <CopyButton value={secret}>
          {({ copied, copy }) => (
            <Button onClick={copy} aria-live="polite">
              {copied ? t('keys.copied') : t('directory.copyToken')}
            </Button>
          )}
        </CopyButton>
        <Button variant="default" onClick={onDone} data-autofocus>
          {t('keys.done')}
        </Button>
      </Group>
    </Stack>
  );
}

function CreateConnection({ onCreated }: { onCreated(): void }) {
  const t = useT();
  const [opened, { open, close }] = useDisclosure(false);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ secret: string; url: string } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [{ fetching }, create] = useMutation(AdminDirectoryConnectionCreateDocument);
  function reset() {
    setName('');
    setCreated(null);
    setFailure(null);
    close();
  }
  async function onSubmit(event: React.FormEvent) {
    event.preventDefault();
    setFailure(null);
    const result = await create({ input: { name } });
    const outcome = mutationOutcome(result.data?.directoryConnectionCreate, result.error, 'DirectoryConnectionCreatePayload', t);
    if (outcome.ok) {
      setCreated({ secret: outcome.ok.secret, url: outcome.ok.connection?.scimBaseUrl ?? '' });
      onCreated();
    } else setFailure(outcome.message);
  }
  return (
    <>
      <Button onClick={open}>{t('directory.new')}</Button>
      <Modal opened={opened} onClose={reset} title={created ? t('directory.secretTitle') : t('directory.new')}>
        {created ? (
          <Stack>
            <Text size="sm">{t('directory.baseUrlHint')}</Text>
            <Code block style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
              {created.url}
            </Code>
            <SecretShown secret={created.secret} onDone={reset} />
          </Stack>
        ) : (
          <form onSubmit={onSubmit} aria-label={t('directory.new')}>
            <Stack>
              {failure && (
                <Alert color="red" role="alert">
                  {failure}
                </Alert>
              )}
              <TextInput
                label={t('directory.name')}
                description={t('directory.nameHint')}
                required
                data-autofocus
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
              />
              <Group justify="flex-end">
                <Button variant="default" onClick={reset}>
                  {t('dialog.cancel')}
                </Button>
                <Button type="submit" loading={fetching}>
                  {t('keys.create')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Modal>
    </>
  );
}

function RotateToken({ connection, onRotated }: { connection: DirectoryConnectionCard_ConnectionFragment; onRotated(): void }) {
  const t = useT();
  const [confirming, setConfirming] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [{ fetching }, rotate] = useMutation(AdminDirectoryConnectionRotateTokenDocument);
  const opener = useRef<HTMLButtonElement>(null);
  async function onRotate() {
    setFailure(null);
    const result = await rotate({ id: connection.id });
    const outcome = mutationOutcome(result.data?.directoryConnectionRotateToken, result.error, 'DirectoryConnectionCreatePayload', t);
    if (outcome.ok) {
      setSecret(outcome.ok.secret);
      onRotated();
    } else setFailure(outcome.message);
  }
  function close() {
    setConfirming(false);
    setSecret(null);
  }
  return (
    <>
      <Button
        ref={opener}
        size="compact-sm"
        variant="default"
        onClick={() => {
          setFailure(null);
          setConfirming(true);
        }}
        aria-label={t('directory.rotateOne', { name: connection.name })}
      >
        {t('directory.rotate')}
      </Button>
      <ConfirmDialog
        opened={confirming}
        title={secret ? t('directory.secretTitle') : t('directory.rotateTitle', { name: connection.name })}
        onCancel={close}
        onConfirm={onRotate}
        confirmLabel={t('directory.rotate')}
        busy={fetching}
        returnFocusTo={opener}
        failure={failure}
        step={secret ? 'secret' : 'confirm'}
        actions={secret ? <SecretShown secret={secret} onDone={close} /> : undefined}
      >
        {!secret && <Text size="sm">{t('directory.rotateText')}</Text>}
      </ConfirmDialog>
    </>
  );
}

function DeleteConnection({ connection, onDeleted }: { connection: DirectoryConnectionCard_ConnectionFragment; onDeleted(): void }) {
  const t = useT();
  const [{ fetching }, remove] = useMutation(AdminDirectoryConnectionDeleteDocument);
  async function onDelete() {
    const result = await remove({ id: connection.id });
    const outcome = mutationOutcome(result.data?.directoryConnectionDelete, result.error, 'DirectoryConnectionDeletePayload', t);
    if (outcome.ok) {
      notifications.show({ message: t('directory.deleted', { name: connection.name }) });
      onDeleted();
    }
    return outcome.message;
  }
  return (
    <ConfirmButton
      label={t('named.delete')}
      ariaLabel={t('directory.deleteOne', { name: connection.name })}
      title={t('directory.deleteTitle', { name: connection.name })}
      text={t('directory.deleteText', { count: connection.userCount })}
      onConfirm={onDelete}
      busy={fetching}
      color="red"
    />
  );
}

/** `goLiveAt` as the date input shows it (the admin's own day), and back to an instant (midnight that day). */
const toDateInput = (iso: string | null | undefined) => {
  if (!iso) return '';
  const date = new Date(iso);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
};
const fromDateInput = (value: string) => {
  const [year, month, day] = value.split('-').map(Number);
  return new Date(year!, month! - 1, day!).toISOString();
};

function InvitePolicyForm({ connection, onSaved }: { connection: DirectoryConnectionCard_ConnectionFragment; onSaved(): void }) {
  const t = useT();
  const [policy, setPolicy] = useState<DirectoryInvitePolicy>(connection.invitePolicy);
  const [goLive, setGoLive] = useState(toDateInput(connection.goLiveAt));
  const [failure, setFailure] = useState<string | null>(null);
  const [{ fetching }, update] = useMutation(AdminDirectoryConnectionUpdateDocument);
  const unchanged = policy === connection.invitePolicy && (policy !== 'ON_GO_LIVE_DATE' || goLive === toDateInput(connection.goLiveAt));
  async function onSubmit(event: React.FormEvent) {
    event.preventDefault();
    setFailure(null);
    if (policy === 'ON_GO_LIVE_DATE' && !goLive) {
      setFailure(t('directory.goLiveRequired'));
      return;
    }
    const input = policy === 'ON_GO_LIVE_DATE' ? { invitePolicy: policy, goLiveAt: fromDateInput(goLive) } : { invitePolicy: policy };
    const result = await update({ id: connection.id, input });
    const outcome = mutationOutcome(result.data?.directoryConnectionUpdate, result.error, 'DirectoryConnectionPayload', t);
    if (outcome.ok) {
      notifications.show({ message: t('directory.policySaved', { name: connection.name }) });
      onSaved();
    } else setFailure(outcome.message);
  }
  return (
    <form onSubmit={onSubmit} aria-label={t('directory.policyOf', { name: connection.name })}>
      <Stack gap="xs">
        <Radio.Group
          label={t('directory.policy')}
          description={t('directory.policyHint')}
          value={policy}
          onChange={(value) => setPolicy(value as DirectoryInvitePolicy)}
        >
          <Stack gap={6} mt={6}>
            {POLICIES.map((value) => (
              <Radio key={value} value={value} label={t(`directory.policy.${value}`)} />
            ))}
          </Stack>
        </Radio.Group>
        {policy === 'ON_GO_LIVE_DATE' && (
          <TextInput type="date" label={t('directory.goLive')} required value={goLive} onChange={(e) => setGoLive(e.currentTarget.value)} maw={240} />
        )}
        {failure && (
          <Text size="sm" c="var(--mantine-color-error)" role="alert">
            {failure}
          </Text>
        )}
        <Group>
          <Button type="submit" size="compact-md" loading={fetching} disabled={unchanged}>
            {t('directory.savePolicy')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function GroupRules({ connection, lots, tags, onMapped }: { connection: Connection; lots: Options; tags: Options; onMapped(): void }) {
  const t = useT();
  const groups = connection.groups.edges.map((e) => e.node);
  return (
    <Stack gap="xs">
      <Title order={3} size="h4">
        {t('directory.groups')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('directory.groupsHint')}
      </Text>
      {groups.length < connection.groups.totalCount && (
        <Text size="sm" c="dimmed">
          {t('directory.groupsShown', { shown: groups.length, total: connection.groups.totalCount })}
        </Text>
      )}
      {groups.length === 0 ? (
        <Text size="sm">{t('directory.noGroups')}</Text>
      ) : (
        <ScrollRegion label={t('directory.groupsOf', { name: connection.name })} minWidth={640}>
          <Table aria-label={t('directory.groupsOf', { name: connection.name })} striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('directory.group')}</Table.Th>
                <Table.Th>{t('directory.members')}</Table.Th>
                <Table.Th>{t('directory.gives')}</Table.Th>
                <Table.Th>{t('named.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {groups.map((group) => (
                <GroupRow key={group.id} group={group} lots={lots} tags={tags} onMapped={onMapped} />
              ))}
            </Table.Tbody>
          </Table>
        </ScrollRegion>
      )}
    </Stack>
  );
}

function GroupRow({ group, lots, tags, onMapped }: { group: DirectoryGroupRow_GroupFragment; lots: Options; tags: Options; onMapped(): void }) {
  const t = useT();
  const format = useFormat();
  const [opened, setOpened] = useState(false);
  const [lotIds, setLotIds] = useState<string[]>([]);
  const [tagIds, setTagIds] = useState<string[]>([]);
  const [payment, setPayment] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [{ fetching }, map] = useMutation(AdminDirectoryGroupMapDocument);
  const opener = useRef<HTMLButtonElement>(null);
  const gives = [
    ...group.parkingLots.map((lot) => lot.name),
    ...group.tags.map((tag) => `#${tag.name}`),
    ...(group.paymentMethod ? [t(`payment.${group.paymentMethod}`)] : []),
  ];
  function open() {
    setLotIds(group.parkingLots.map((lot) => lot.id));
    setTagIds(group.tags.map((tag) => tag.id));
    setPayment(group.paymentMethod ?? null);
    setFailure(null);
    setOpened(true);
  }
  async function onSave() {
    setFailure(null);
    const result = await map({ id: group.id, input: { parkingLotIds: lotIds, tagIds, paymentMethod: (payment as PaymentMethod | null) ?? undefined } });
    const outcome = mutationOutcome(result.data?.directoryGroupMap, result.error, 'DirectoryGroupPayload', t);
    if (outcome.ok) {
      setOpened(false);
      notifications.show({ message: t('directory.groupMapped', { name: group.displayName }) });
      onMapped();
    } else setFailure(outcome.message);
  }
  return (
    <Table.Tr>
      <Table.Td>{group.displayName}</Table.Td>
      <Table.Td>{format.count(group.memberCount)}</Table.Td>
      <Table.Td>
        {gives.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('directory.givesNothing')}
          </Text>
        ) : (
          <Group gap={4}>
            {gives.map((label) => (
              <Badge key={label} variant="light" color="gray" tt="none">
                {label}
              </Badge>
            ))}
          </Group>
        )}
      </Table.Td>
      <Table.Td>
        <Button ref={opener} size="compact-sm" variant="default" onClick={open} aria-label={t('directory.mapOne', { name: group.displayName })}>
          {t('directory.map')}
        </Button>
        <ConfirmDialog
          opened={opened}
          title={t('directory.mapTitle', { name: group.displayName })}
          onCancel={() => setOpened(false)}
          onConfirm={onSave}
          confirmLabel={t('directory.saveMapping')}
          busy={fetching}
          returnFocusTo={opener}
        >
          <Text size="sm">{t('directory.mapText', { count: group.memberCount })}</Text>
          <MultiSelect label={t('form.access')} data={lots} searchable value={lotIds} onChange={setLotIds} comboboxProps={{ withinPortal: false }} />
          <MultiSelect label={t('form.tags')} data={tags} searchable value={tagIds} onChange={setTagIds} comboboxProps={{ withinPortal: false }} />
          <Select
            label={t('directory.paymentMethod')}
            placeholder={t('directory.noPaymentMethod')}
            data={PAYMENT_METHODS.map((value) => ({ value, label: t(`payment.${value}`) }))}
            value={payment}
            onChange={setPayment}
            clearable
            comboboxProps={{ withinPortal: false }}
          />
          {failure && (
            <Text size="sm" c="var(--mantine-color-error)" role="alert">
              {failure}
            </Text>
          )}
        </ConfirmDialog>
      </Table.Td>
    </Table.Tr>
  );
}

function RequestLog({ connection }: { connection: DirectoryConnectionCard_ConnectionFragment }) {
  const t = useT();
  const format = useFormat();
  const [outcome, setOutcome] = useState<'all' | 'refused'>('all');
  const [first, setFirst] = useState(REQUESTS_PAGE);
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: AdminDirectoryRequestsDocument,
    variables: { failedOnly: outcome === 'refused', first },
    requestPolicy: 'cache-and-network',
  });
  const log = data?.directoryConnections.edges.find((e) => e.node.id === connection.id)?.node.requests;
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={3} size="h4">
          {t('directory.requests')}
        </Title>
        <SegmentedControl
          size="xs"
          aria-label={t('directory.outcome')}
          value={outcome}
          onChange={(value) => {
            setOutcome(value as 'all' | 'refused');
            setFirst(REQUESTS_PAGE);
          }}
          data={[
            { value: 'all', label: t('directory.outcome.all') },
            { value: 'refused', label: t('directory.outcome.refused') },
          ]}
        />
      </Group>
      <Text size="sm" c="dimmed">
        {t('directory.requestsHint')}
      </Text>
      {error && !data ? (
        <ErrorState error={error} retry={() => reexecute({ requestPolicy: 'network-only' })} />
      ) : !log ? (
        <Loading />
      ) : log.edges.length === 0 ? (
        <Text size="sm">{outcome === 'refused' ? t('directory.noRefused') : t('directory.noRequests')}</Text>
      ) : (
        <>
          <ScrollRegion label={t('directory.requestsOf', { name: connection.name })} minWidth={720}>
            <Table aria-label={t('directory.requestsOf', { name: connection.name })} striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('directory.when')}</Table.Th>
                  <Table.Th>{t('directory.request')}</Table.Th>
                  <Table.Th>{t('directory.status')}</Table.Th>
                  <Table.Th>{t('directory.what')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {log.edges.map(({ cursor, node }) => (
                  <Table.Tr key={cursor}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{format.dateTime(node.occurredAt)}</Table.Td>
                    <Table.Td>
                      <Code style={{ overflowWrap: 'anywhere' }}>
                        {node.method} {node.resource}
                      </Code>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" fw={600} c={node.status >= 400 ? 'var(--mantine-color-error)' : undefined}>
                        {node.status}
                      </Text>
                    </Table.Td>
                    <Table.Td>{node.error ?? (node.summary || t('directory.changedNothing'))}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollRegion>
          <Group justify="space-between">
            <Text size="xs" c="dimmed">
              {t('directory.requestsShown', { shown: log.edges.length, total: log.totalCount })}
            </Text>
            {log.pageInfo.hasNextPage && (
              <Button size="compact-sm" variant="default" loading={fetching} onClick={() => setFirst((n) => Math.min(n + REQUESTS_PAGE, 500))}>
                {t('directory.showMore')}
              </Button>
            )}
          </Group>
        </>
      )}
    </Stack>
  );
}
