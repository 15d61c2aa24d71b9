import { createTheme, MantineProvider, Modal } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { useMemo } from 'react';
import { createBrowserRouter, Navigate, useLocation } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { Provider as UrqlProvider } from 'urql';
import { createAdminClient } from './client.ts';
import { Shell } from './Shell.tsx';
import { ProfileEditPage, ProfileNewPage } from './pages/profile/ProfileFormPage.tsx';
import { ProfilePage } from './pages/profile/ProfilePage.tsx';
import { ProfilesPage } from './pages/profiles/ProfilesPage.tsx';
import { SettingsPage } from './pages/settings/SettingsPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { SessionProvider, useSession } from './session.tsx';

// Shade 8 of the primary color and a darker "dimmed" keep text at WCAG AA
// contrast (axe checks it in the browser tests).
const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 8, dark: 8 },
  components: { Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close the dialog' } } }) },
});
const cssVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)', '--mantine-color-error': 'var(--mantine-color-red-9)' },
  dark: {},
});

function RequireSession({ children }: { children: React.ReactNode }) {
  const { token } = useSession();
  const location = useLocation();
  if (!token) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return children;
}

const router = createBrowserRouter(
  [
    { path: '/sign-in', element: <SignInPage /> },
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

export function App() {
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
      <Notifications position="top-right" />
      <SessionProvider>
        <WithClient />
      </SessionProvider>
    </MantineProvider>
  );
}
