import { ActionIcon, AppShell, Burger, Button, Group, NavLink, Select, Stack, Text, Title, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { AdminShellDocument } from './generated/graphql.ts';
import { NavLink as RouterNavLink, Outlet, useLocation } from 'react-router';
import { useQuery } from 'urql';
import { ErrorState, Loading } from './components/states.tsx';
import { type UiLocale, useLocale, useT } from './i18n/i18n.tsx';
import { ViewerContext } from './permissions.tsx';
import { useSession } from './session.tsx';

const LANGUAGES = [
  { value: 'en', label: 'English' },
  { value: 'fr', label: 'Français' },
];

/** The signed-in frame: skip link, header, left menu (a burger below 768 px), and the page. */
export function Shell() {
  const t = useT();
  const [opened, { toggle, close }] = useDisclosure();
  const [{ data, error, fetching }, refetch] = useQuery({ query: AdminShellDocument });
  const { signOut } = useSession();
  const location = useLocation();
  const viewer = data?.viewer;

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <a href="#main" className="skip-link">
        {t('app.skipToContent')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? t('app.closeMenu') : t('app.openMenu')} />
            <Text fw={700} component="span">
              {t('app.name')}
            </Text>
            {viewer && (
              <Text size="sm" c="dimmed" visibleFrom="xs" truncate>
                {viewer.organization.name}
              </Text>
            )}
          </Group>
          <Group gap="xs" wrap="nowrap">
            {viewer?.admin && (
              <Text size="sm" c="dimmed" visibleFrom="md" truncate>
                {t('app.adminAndRole', { email: viewer.admin.email, role: t(`role.${viewer.role}`) })}
              </Text>
            )}
            <Group gap="xs" wrap="nowrap" visibleFrom="sm">
              <Preferences />
            </Group>
            <Button variant="default" size="xs" onClick={() => signOut()}>
              {t('app.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={t('app.mainMenu')}>
        <Stack gap={2}>
          <NavLink
            component={RouterNavLink}
            to="/profiles"
            label={t('app.profiles')}
            variant="filled"
            active={location.pathname.startsWith('/profiles')}
            onClick={close}
          />
          <NavLink
            component={RouterNavLink}
            to="/invitations"
            label={t('app.invitations')}
            variant="filled"
            active={location.pathname.startsWith('/invitations') || location.pathname.startsWith('/bulk-invitations')}
            onClick={close}
          />
          {viewer?.permissions.some((access) => access.action === 'VIEW_AUDIT_TRAIL' && access.allowed) && (
            <NavLink
              component={RouterNavLink}
              to="/audit"
              label={t('app.audit')}
              variant="filled"
              active={location.pathname.startsWith('/audit')}
              onClick={close}
            />
          )}
          <NavLink
            component={RouterNavLink}
            to="/settings"
            label={t('app.settings')}
            variant="filled"
            active={location.pathname.startsWith('/settings')}
            onClick={close}
          />
          <Group gap="xs" hiddenFrom="sm" mt="md" px="sm">
            <Preferences />
          </Group>
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        {viewer ? (
          <ViewerContext.Provider value={viewer}>
            <Outlet />
          </ViewerContext.Provider>
        ) : error ? (
          <ErrorState error={error} retry={() => refetch({ requestPolicy: 'network-only' })} />
        ) : fetching ? (
          <Loading />
        ) : (
          <Title order={1}>{t('app.name')}</Title>
        )}
      </AppShell.Main>
    </AppShell>
  );
}

/** The language (stored in this browser; the browser's own by default) and light or dark. */
function Preferences() {
  const t = useT();
  const { locale, setLocale } = useLocale();
  const { setColorScheme } = useMantineColorScheme();
  const dark = useComputedColorScheme('light') === 'dark';
  return (
    <>
      <Select
        aria-label={t('app.language')}
        data={LANGUAGES}
        value={locale}
        onChange={(value) => value && setLocale(value as UiLocale)}
        allowDeselect={false}
        size="xs"
        w={110}
      />
      <ActionIcon variant="default" size="lg" aria-label={t('app.colorScheme')} aria-pressed={dark} onClick={() => setColorScheme(dark ? 'light' : 'dark')}>
        <span aria-hidden>{dark ? '☀' : '☾'}</span>
      </ActionIcon>
    </>
  );
}
