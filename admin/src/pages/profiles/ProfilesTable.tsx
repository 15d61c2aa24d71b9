import { Anchor, Badge, Checkbox, Group, Table, Text, VisuallyHidden } from '@mantine/core';
import type { ProfilesTable_ProfileFragment } from '@parkpass/sdk';
import { Link } from 'react-router';
import { StatusBadge } from '../../components/StatusBadge.tsx';

interface Props {
  profiles: ProfilesTable_ProfileFragment[];
  /** Null when the caller may not select (no list action allowed). */
  selection: { isSelected(id: string): boolean; toggle(id: string, selected: boolean): void; togglePage(selected: boolean): void; allResults: boolean } | null;
}

/** The profiles of one page: tick box, name, email, access, tags, status, and Show. */
export function ProfilesTable({ profiles, selection }: Props) {
  const selectedOnPage = selection ? profiles.filter((p) => selection.isSelected(p.id)).length : 0;
  return (
    <Table.ScrollContainer minWidth={340}>
      <Table striped highlightOnHover verticalSpacing="xs" aria-label="Profiles">
        <Table.Thead>
          <Table.Tr>
            {selection && (
              <Table.Th w={40}>
                <Checkbox
                  aria-label="Select this page"
                  checked={selectedOnPage === profiles.length && profiles.length > 0}
                  indeterminate={selectedOnPage > 0 && selectedOnPage < profiles.length}
                  onChange={(event) => selection.togglePage(event.currentTarget.checked)}
                />
              </Table.Th>
            )}
            <Table.Th>Name</Table.Th>
            <Table.Th visibleFrom="sm">Email</Table.Th>
            <Table.Th visibleFrom="md">Access</Table.Th>
            <Table.Th visibleFrom="md">Tags</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>
              <VisuallyHidden>Open</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {profiles.map((profile) => (
            <Table.Tr key={profile.id}>
              {selection && (
                <Table.Td>
                  <Checkbox
                    aria-label={`Select ${profile.fullName}`}
                    checked={selection.isSelected(profile.id)}
                    onChange={(event) => selection.toggle(profile.id, event.currentTarget.checked)}
                  />
                </Table.Td>
              )}
              <Table.Td>
                <Text size="sm" fw={500}>
                  {profile.fullName}
                </Text>
                {/* Below 768 px the email goes under the name, and access and tags are on Show. */}
                <Text size="xs" hiddenFrom="sm" style={{ wordBreak: 'break-all' }}>
                  {profile.email}
                </Text>
              </Table.Td>
              <Table.Td visibleFrom="sm">
                <Text size="sm">{profile.email}</Text>
              </Table.Td>
              <Table.Td visibleFrom="md">
                <Text size="sm">{profile.parkingLots.length ? profile.parkingLots.map((lot) => lot.name).join(', ') : 'No access'}</Text>
              </Table.Td>
              <Table.Td visibleFrom="md">
                <Group gap={4}>
                  {profile.tags.map((tag) => (
                    <Badge key={tag.id} variant="default" radius="sm" tt="none" fw={500}>
                      {tag.name}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>
                <StatusBadge profile={profile} />
              </Table.Td>
              <Table.Td>
                <Anchor component={Link} to={`/profiles/${encodeURIComponent(profile.id)}`} size="sm" aria-label={`Show ${profile.fullName}`}>
                  Show
                </Anchor>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
