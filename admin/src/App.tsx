import { createTheme, localStorageColorSchemeManager, Menu, MantineProvider, Modal, Notification, Table } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { type ComponentType, lazy, Suspense, useMemo } from 'react';
import { createBrowserRouter, Navigate, useLocation } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { Provider as UrqlProvider } from 'urql';
import { createAdminClient } from './client.ts';
import { LocaleProvider, useT } from './i18n/i18n.tsx';
import { Shell } from './Shell.tsx';
import { Loading } from './components/states.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { JoinPage } from './pages/JoinPage.tsx';
import { SessionProvider, useSession } from './session.tsx';

// Shade 8 of the primary color and a darker "dimmed" keep text at WCAG AA
// contrast in light and dark (axe checks both in the browser tests).
// Close buttons are named in the admin's language.
const themeFor = (close: string) =>
  createTheme({
    primaryColor: 'blue',
    // No sliding or fading for people who ask their system for less motion.
    respectReducedMotion: true,
    primaryShade: { light: 8, dark: 8 },
    components: {
      Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': close } } }),
      Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': close } } }),
      // Without the unnamed focusable placeholder Mantine puts first in a menu (axe: a menu holds menu items only).
      Menu: Menu.extend({ defaultProps: { withInitialFocusPlaceholder: false } }),
      // A table wider than a phone scrolls sideways: its scrolling box takes the focus, so the keyboard can scroll it too.
      TableScrollContainer: Table.ScrollContainer.extend({ defaultProps: { scrollAreaProps: { viewportProps: { tabIndex: 0 } } } }),
    },
  });
const cssVariablesResolver = () => ({
  variables: {},
  // Text colors that read on either scheme (a dark shade on white, a light one on the dark background).
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    '--parkpass-color-success': 'var(--mantine-color-teal-9)',
    '--parkpass-color-info': 'var(--mantine-color-blue-9)',
  },
  dark: {
    '--mantine-color-dimmed': 'var(--mantine-color-dark-1)',
    '--mantine-color-error': 'var(--mantine-color-red-4)',
    '--parkpass-color-success': 'var(--mantine-color-teal-4)',
    '--parkpass-color-info': 'var(--mantine-color-blue-4)',
  },
});
const colorSchemeManager = localStorageColorSchemeManager({ key: 'parkpass.admin.color-scheme' });

// Each page is its own chunk, loaded when first shown: the sign-in page and
// the frame load at once, and no chunk is near Vite's size warning.
function lazyPage<Name extends string>(load: () => Promise<Record<Name, ComponentType>>, name: Name) {
  const Page = lazy<ComponentType>(async () => ({ default: (await load())[name] }));
  return (
    <Suspense fallback={<Loading />}>
      <Page />
    </Suspense>
  );
}

// The Profiles page (the home page) starts loading with the app, beside the
// session check and the frame's query, instead of after them.
const loadProfilesPage = () => import('./pages/profiles/ProfilesPage.tsx');
if (/^\/admin\/?(profiles\/?)?$/.test(window.location.pathname)) void loadProfilesPage();

function RequireSession({ children }: { children: React.ReactNode }) {
  const { signedIn } = useSession();
  const location = useLocation();
  if (signedIn === null) return null;
  if (!signedIn) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return children;
}

const router = createBrowserRouter(
  [
    { path: '/sign-in', element: <SignInPage /> },
    { path: '/join', element: <JoinPage /> },
    {
      element: (
        <RequireSession>
          <Shell />
        </RequireSession>
      ),
      children: [
        { index: true, element: <Navigate to="/profiles" replace /> },
        { path: 'profiles', element: lazyPage(loadProfilesPage, 'ProfilesPage') },
        { path: 'profiles/new', element: lazyPage(() => import('./pages/profile/ProfileFormPage.tsx'), 'ProfileNewPage') },
        { path: 'profiles/import', element: lazyPage(() => import('./pages/import/ImportPage.tsx'), 'ImportPage') },
        { path: 'profiles/:id', element: lazyPage(() => import('./pages/profile/ProfilePage.tsx'), 'ProfilePage') },
        { path: 'profiles/:id/edit', element: lazyPage(() => import('./pages/profile/ProfileFormPage.tsx'), 'ProfileEditPage') },
        { path: 'settings', element: <Navigate to="/settings/organization" replace /> },
        { path: 'settings/:tab', element: lazyPage(() => import('./pages/settings/SettingsPage.tsx'), 'SettingsPage') },
        { path: 'invitations', element: lazyPage(() => import('./pages/invitations/InvitationsPage.tsx'), 'InvitationsPage') },
        { path: 'bulk-invitations', element: lazyPage(() => import('./pages/invitations/BulkInvitationsPage.tsx'), 'BulkInvitationsPage') },
        { path: 'bulk-invitations/:id', element: lazyPage(() => import('./pages/invitations/BulkInvitationPage.tsx'), 'BulkInvitationPage') },
        { path: 'audit', element: lazyPage(() => import('./pages/audit/AuditPage.tsx'), 'AuditPage') },
        { path: '*', element: <Navigate to="/profiles" replace /> },
      ],
    },
  ],
  { basename: '/admin' },
);

function WithClient() {
  const { signedIn, signOut } = useSession();
  const client = useMemo(() => createAdminClient(signedIn === true, (message) => signOut(message)), [signedIn, signOut]);
  return (
    <UrqlProvider value={client}>
      <RouterProvider router={router} />
    </UrqlProvider>
  );
}

function WithSession() {
  const t = useT();
  return (
    <SessionProvider expiredMessage={t('session.expired')} unreachableMessage={t('state.unreachable')}>
      <WithClient />
    </SessionProvider>
  );
}

function Themed() {
  const t = useT();
  const close = t('dialog.close');
  const theme = useMemo(() => themeFor(close), [close]);
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} colorSchemeManager={colorSchemeManager} defaultColorScheme="auto">
      {/* Below the header (app.css), so a notice never covers Sign out. */}
      <Notifications position="top-right" />
      <WithSession />
    </MantineProvider>
  );
}

export function App() {
  return (
    <LocaleProvider>
      <Themed />
    </LocaleProvider>
  );
}
