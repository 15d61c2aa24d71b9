import { Anchor, Badge, Checkbox, Table } from '@mantine/core';
import type { ProfilesTable_ProfileFragment } from '../../generated/graphql.ts';
import { memo } from 'react';
import { Link } from 'react-router';
import { Email } from '../../components/Email.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { useT } from '../../i18n/i18n.tsx';

interface Props {
  profiles: ProfilesTable_ProfileFragment[];
  /** Null when the caller may not select (no list action allowed). */
  selection: { isSelected(id: string): boolean; toggle(id: string, selected: boolean): void; togglePage(selected: boolean): void; allResults: boolean } | null;
  /** The list these rows belong to (its path and search), for Show's "← Profiles". */
  from: { from: string };
}

/** The profiles of one page: tick box, name (the link to Show), email, access, tags, status. */
export function ProfilesTable({ profiles, selection, from }: Props) {
  const t = useT();
  const selectedOnPage = selection ? profiles.filter((p) => selection.isSelected(p.id)).length : 0;
  return (
    <Table.ScrollContainer minWidth={300}>
      <Table striped highlightOnHover verticalSpacing="xs" aria-label={t('profiles.table')}>
        <Table.Thead>
          <Table.Tr>
            {selection && (
              <Table.Th w={40}>
                <Checkbox
                  aria-label={t('profiles.selectPage')}
                  checked={selectedOnPage === profiles.length && profiles.length > 0}
                  indeterminate={selectedOnPage > 0 && selectedOnPage < profiles.length}
                  onChange={(event) => selection.togglePage(event.currentTarget.checked)}
                />
              </Table.Th>
            )}
            <Table.Th>{t('profiles.col.name')}</Table.Th>
            <Table.Th visibleFrom="sm">{t('profiles.col.email')}</Table.Th>
            <Table.Th visibleFrom="md">{t('profiles.col.access')}</Table.Th>
            <Table.Th visibleFrom="md">{t('profiles.col.tags')}</Table.Th>
            <Table.Th>{t('profiles.col.status')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {profiles.map((profile) => (
            <ProfileRow
              key={profile.id}
              profile={profile}
              selected={selection ? selection.isSelected(profile.id) : null}
              toggle={selection?.toggle}
              from={from}
            />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/**
 * One row, rendered again only when its own props change (its profile, whether it is ticked): ticking a box renders
 * one row, not fifty. Text in the cells is plain markup styled by app.css (.profiles-cell) rather than a Mantine
 * component per cell: a page of rows is rendered in one go when it comes, and each component costs its share.
 */
const ProfileRow = memo(function ProfileRow({
  profile,
  selected,
  toggle,
  from,
}: {
  profile: ProfilesTable_ProfileFragment;
  /** Null when the caller may not select. */
  selected: boolean | null;
  toggle: ((id: string, selected: boolean) => void) | undefined;
  from: { from: string };
}) {
  const t = useT();
  return (
    <Table.Tr>
      {selected !== null && (
        <Table.Td>
          <Checkbox
            aria-label={t('profiles.selectOne', { name: profile.fullName })}
            checked={selected}
            onChange={(event) => toggle?.(profile.id, event.currentTarget.checked)}
          />
        </Table.Td>
      )}
      <Table.Td>
        <Anchor component={Link} to={`/profiles/${encodeURIComponent(profile.id)}`} state={from} size="sm" fw={500}>
          {profile.fullName}
        </Anchor>
        {/* Below 768 px the email goes under the name, and access and tags are on Show. */}
        <p className="profiles-cell profiles-cell-narrow">
          <Email address={profile.email} />
        </p>
      </Table.Td>
      <Table.Td visibleFrom="sm">
        <p className="profiles-cell">
          <Email address={profile.email} />
        </p>
      </Table.Td>
      <Table.Td visibleFrom="md">
        <p className="profiles-cell">{profile.parkingLots.length ? profile.parkingLots.map((lot) => lot.name).join(', ') : t('profiles.noAccess')}</p>
      </Table.Td>
      <Table.Td visibleFrom="md">
        <div className="profiles-tags">
          {profile.tags.map((tag) => (
            <Badge key={tag.id} variant="default" radius="sm" tt="none" fw={500}>
              {tag.name}
            </Badge>
          ))}
        </div>
      </Table.Td>
      <Table.Td>
        <StatusBadge profile={profile} />
      </Table.Td>
    </Table.Tr>
  );
});
