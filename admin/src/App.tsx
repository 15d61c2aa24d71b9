import { createTheme, localStorageColorSchemeManager, MantineProvider, Modal, Notification } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { useMemo } from 'react';
import { createBrowserRouter, Navigate, useLocation } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { Provider as UrqlProvider } from 'urql';
import { createAdminClient } from './client.ts';
import { LocaleProvider, useT } from './i18n/i18n.tsx';
import { Shell } from './Shell.tsx';
import { ProfileEditPage, ProfileNewPage } from './pages/profile/ProfileFormPage.tsx';
import { ProfilePage } from './pages/profile/ProfilePage.tsx';
import { ProfilesPage } from './pages/profiles/ProfilesPage.tsx';
import { SettingsPage } from './pages/settings/SettingsPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { JoinPage } from './pages/JoinPage.tsx';
import { AuditPage } from './pages/audit/AuditPage.tsx';
import { SessionProvider, useSession } from './session.tsx';

// Shade 8 of the primary color and a darker "dimmed" keep text at WCAG AA
// contrast in light and dark (axe checks both in the browser tests).
// Close buttons are named in the admin's language.
const themeFor = (close: string) =>
  createTheme({
    primaryColor: 'blue',
    primaryShade: { light: 8, dark: 8 },
    components: {
      Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': close } } }),
      Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': close } } }),
    },
  });
const cssVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)', '--mantine-color-error': 'var(--mantine-color-red-9)' },
  dark: { '--mantine-color-dimmed': 'var(--mantine-color-dark-1)', '--mantine-color-error': 'var(--mantine-color-red-4)' },
});
const colorSchemeManager = localStorageColorSchemeManager({ key: 'parkpass.admin.color-scheme' });

function RequireSession({ children }: { children: React.ReactNode }) {
  const { token } = useSession();
  const location = useLocation();
  if (!token) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
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
        { path: 'profiles', element: <ProfilesPage /> },
        { path: 'profiles/new', element: <ProfileNewPage /> },
        { path: 'profiles/:id', element: <ProfilePage /> },
        { path: 'profiles/:id/edit', element: <ProfileEditPage /> },
        { path: 'settings', element: <Navigate to="/settings/organization" replace /> },
        { path: 'settings/:tab', element: <SettingsPage /> },
        { path: 'audit', element: <AuditPage /> },
        { path: '*', element: <Navigate to="/profiles" replace /> },
      ],
    },
  ],
  { basename: '/admin' },
);

function WithClient() {
  const { token, signOut } = useSession();
  const client = useMemo(() => createAdminClient(token, (message) => signOut(message)), [token, signOut]);
  return (
    <UrqlProvider value={client}>
      <RouterProvider router={router} />
    </UrqlProvider>
  );
}

function WithSession() {
  const t = useT();
  return (
    <SessionProvider expiredMessage={t('session.expired')}>
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
