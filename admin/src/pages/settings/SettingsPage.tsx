import { Alert, Stack, Tabs, Title } from '@mantine/core';
import type { Action } from '@parkpass/sdk';
import { useNavigate, useParams } from 'react-router';
import { usePermission } from '../../permissions.tsx';
import { AdminsSettings } from './AdminsSettings.tsx';
import { ApiKeysSettings } from './ApiKeysSettings.tsx';
import { OrganizationSettings } from './OrganizationSettings.tsx';

const TABS = [
  { value: 'organization', label: 'Organization', action: 'MANAGE_ORGANIZATION', Component: OrganizationSettings },
  { value: 'api-keys', label: 'API keys', action: 'MANAGE_API_KEYS', Component: ApiKeysSettings },
  { value: 'admins', label: 'Admins', action: 'MANAGE_ADMINS', Component: AdminsSettings },
] as const satisfies readonly { value: string; label: string; action: Action; Component: () => React.ReactNode }[];

/** Settings, one tab per area; the tab is in the URL (/admin/settings/api-keys). */
export function SettingsPage() {
  const { tab = 'organization' } = useParams();
  const navigate = useNavigate();
  const current = TABS.find((t) => t.value === tab) ?? TABS[0];
  return (
    <Stack gap="md">
      <Title order={1}>Settings</Title>
      <Tabs value={current.value} onChange={(value) => value && navigate(`/settings/${value}`)} keepMounted={false}>
        <Tabs.List>
          {TABS.map((t) => (
            <Tabs.Tab key={t.value} value={t.value}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {TABS.map((t) => (
          <Tabs.Panel key={t.value} value={t.value} pt="md">
            <Guarded action={t.action}>
              <t.Component />
            </Guarded>
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}

/** A settings area the caller may not use shows why instead (from viewer.permissions). */
function Guarded({ action, children }: { action: Action; children: React.ReactNode }) {
  const access = usePermission(action);
  if (!access.allowed) {
    return (
      <Alert color="yellow" variant="light" title={access.notInPlan ? 'Not in your plan' : 'Ask an owner'}>
        {access.reason}
      </Alert>
    );
  }
  return children;
}
