import { AppShell, Burger, Button, Group, NavLink, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { AdminLogoutDocument, AdminShellDocument } from '@parkpass/sdk';
import { NavLink as RouterNavLink, Outlet, useLocation } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { ErrorState, Loading } from './components/states.tsx';
import { ROLE_LABELS } from './labels.ts';
import { ViewerContext } from './permissions.tsx';
import { useSession } from './session.tsx';

/** The signed-in frame: header, left menu (a burger below 768 px), and the page. */
export function Shell() {
  const [opened, { toggle, close }] = useDisclosure();
  const [{ data, error, fetching }, refetch] = useQuery({ query: AdminShellDocument });
  const [, logout] = useMutation(AdminLogoutDocument);
  const { signOut } = useSession();
  const location = useLocation();
  const viewer = data?.viewer;

  async function onSignOut() {
    await logout({});
    signOut();
  }

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? 'Close the menu' : 'Open the menu'} />
            <Text fw={700} component="span">
              Parkpass
            </Text>
            {viewer && (
              <Text size="sm" c="gray.7" visibleFrom="xs" truncate>
                {viewer.organization.name}
              </Text>
            )}
          </Group>
          <Group gap="sm" wrap="nowrap">
            {viewer?.admin && (
              <Text size="sm" c="gray.7" visibleFrom="md" truncate>
                {viewer.admin.email} · {ROLE_LABELS[viewer.role]}
              </Text>
            )}
            <Button variant="default" size="xs" onClick={onSignOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main menu">
        <Stack gap={2}>
          <NavLink
            component={RouterNavLink}
            to="/profiles"
            label="Profiles"
            variant="filled"
            active={location.pathname.startsWith('/profiles')}
            onClick={close}
          />
          <NavLink
            component={RouterNavLink}
            to="/settings"
            label="Settings"
            variant="filled"
            active={location.pathname.startsWith('/settings')}
            onClick={close}
          />
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main>
        {viewer ? (
          <ViewerContext.Provider value={viewer}>
            <Outlet />
          </ViewerContext.Provider>
        ) : error ? (
          <ErrorState error={error} retry={() => refetch({ requestPolicy: 'network-only' })} />
        ) : fetching ? (
          <Loading />
        ) : (
          <Title order={1}>Parkpass</Title>
        )}
      </AppShell.Main>
    </AppShell>
  );
}
