import { Alert, Stack, Tabs, Title } from '@mantine/core';
import type { Action } from '@parkpass/sdk';
import { useNavigate, useParams } from 'react-router';
import { type MessageId, useT } from '../../i18n/i18n.tsx';
import { usePermission } from '../../permissions.tsx';
import { AdminsSettings } from './AdminsSettings.tsx';
import { ApiKeysSettings } from './ApiKeysSettings.tsx';
import { DirectorySyncSettings } from './DirectorySyncSettings.tsx';
import { LotsAndTagsSettings } from './LotsAndTagsSettings.tsx';
import { OrganizationSettings } from './OrganizationSettings.tsx';

const TABS = [
  { value: 'organization', label: 'settings.organization', action: 'MANAGE_ORGANIZATION', Component: OrganizationSettings },
  { value: 'lots-and-tags', label: 'settings.lotsAndTags', action: 'MANAGE_PARKING_LOTS_AND_TAGS', Component: LotsAndTagsSettings },
  { value: 'api-keys', label: 'settings.apiKeys', action: 'MANAGE_API_KEYS', Component: ApiKeysSettings },
  { value: 'admins', label: 'settings.admins', action: 'MANAGE_ADMINS', Component: AdminsSettings },
  { value: 'directory-sync', label: 'settings.directorySync', action: 'MANAGE_DIRECTORY_SYNC', Component: DirectorySyncSettings },
] as const satisfies readonly { value: string; label: MessageId; action: Action; Component: () => React.ReactNode }[];

/** Settings, one tab per area; the tab is in the URL (/admin/settings/api-keys). */
export function SettingsPage() {
  const t = useT();
  const { tab = 'organization' } = useParams();
  const navigate = useNavigate();
  const current = TABS.find((candidate) => candidate.value === tab) ?? TABS[0];
  return (
    <Stack gap="md">
      <Title order={1}>{t('settings.title')}</Title>
      <Tabs value={current.value} onChange={(value) => value && navigate(`/settings/${value}`)} keepMounted={false}>
        <Tabs.List>
          {TABS.map((entry) => (
            <Tabs.Tab key={entry.value} value={entry.value}>
              {t(entry.label)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {TABS.map((entry) => (
          <Tabs.Panel key={entry.value} value={entry.value} pt="md">
            <Guarded action={entry.action}>
              <entry.Component />
            </Guarded>
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}

/** A settings area the caller may not use shows why instead (from viewer.permissions). */
function Guarded({ action, children }: { action: Action; children: React.ReactNode }) {
  const t = useT();
  const access = usePermission(action);
  if (!access.allowed) {
    return (
      <Alert color="yellow" variant="light" title={access.notInPlan ? t('permission.notInPlanTitle') : t('permission.askOwnerTitle')}>
        {access.reason}
      </Alert>
    );
  }
  return children;
}
