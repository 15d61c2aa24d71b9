import { z } from 'zod';
import type { RequestScope } from '../kernel/scope.ts';
import { InvalidInputError } from '../kernel/errors.ts';
import type { Organization } from '../generated/prisma/client.ts';
import { parseOptionalText, parseRequiredText } from '../kernel/text-fields.ts';
import { recordAudit } from '../audit/index.ts';
import type { Locale } from '../generated/prisma/enums.ts';
import { canonicalTimeZone } from '../i18n/locales.ts';
import { MAX_REMINDER_HOURS, MIN_REMINDER_HOURS } from '../kernel/limits.ts';

export const MIN_INVITATION_VALIDITY_HOURS = 1;
export const MAX_INVITATION_VALIDITY_HOURS = 30 * 24;
const MAX_ORGANIZATION_NAME_LENGTH = 200;
const storeUrlSchema = z.url({ protocol: /^https$/ }).max(2000);

export interface OrganizationSettingsInput {
  name?: string | null;
  invitationValidityHours?: number | null;
  appStoreUrl?: string | null;
  playStoreUrl?: string | null;
  reminderHoursBeforeExpiry?: number | null;
  inviteeMayRequestNewLink?: boolean | null;
  defaultLocale?: Locale | null;
  timeZone?: string | null;
}

type Settings = Pick<
  Organization,
  'name' | 'invitationValidityHours' | 'appStoreUrl' | 'playStoreUrl' | 'reminderHoursBeforeExpiry' | 'inviteeMayRequestNewLink' | 'defaultLocale' | 'timeZone'
>;

/** Changes the settings given; fields left out keep their value, a null store link clears it. */
export async function updateOrganization(scope: RequestScope, input: OrganizationSettingsInput): Promise<Organization> {
  const data: Partial<Settings> = {};
  if (input.name !== undefined) data.name = parseRequiredText(input.name, ['input', 'name'], MAX_ORGANIZATION_NAME_LENGTH);
  if (input.invitationValidityHours !== undefined) {
    const hours = input.invitationValidityHours;
    if (hours === null || !Number.isInteger(hours) || hours < MIN_INVITATION_VALIDITY_HOURS || hours > MAX_INVITATION_VALIDITY_HOURS) {
      throw new InvalidInputError(
        ['input', 'invitationValidityHours'],
        `invitationValidityHours is a whole number from ${MIN_INVITATION_VALIDITY_HOURS} to ${MAX_INVITATION_VALIDITY_HOURS} (30 days).`,
      );
    }
    data.invitationValidityHours = hours;
  }
  for (const key of ['appStoreUrl', 'playStoreUrl'] as const) {
    if (input[key] === undefined) continue;
    const url = parseOptionalText(input[key], ['input', key], 2000);
    if (url !== null && !storeUrlSchema.safeParse(url).success) {
      throw new InvalidInputError(['input', key], `${key} must be an https:// link.`);
    }
    data[key] = url;
  }
  Object.assign(data, parseInvitationLifecycleSettings(input));
  return scope.prisma.$transaction(async (tx) => {
    const organization = await tx.organization.update({ where: { id: scope.viewer.organizationId }, data });
    // Settings are not secrets: the new values are said in words.
    const changed = Object.keys(data).sort();
    await recordAudit(tx, scope, {
      kind: 'ORGANIZATION_SETTINGS_CHANGED',
      summary: `Changed the organization settings: ${changed.map((key) => `${key} = ${JSON.stringify(data[key as keyof typeof data])}`).join(', ') || 'nothing'}.`,
      changedFields: changed,
    });
    return organization;
  });
}

/** Reminders, new links on demand, language and time zone. A null reminder turns reminders off. */
function parseInvitationLifecycleSettings(input: OrganizationSettingsInput): Partial<Settings> {
  const data: Partial<Settings> = {};
  if (input.reminderHoursBeforeExpiry !== undefined) {
    const hours = input.reminderHoursBeforeExpiry;
    if (hours !== null && (!Number.isInteger(hours) || hours < MIN_REMINDER_HOURS || hours > MAX_REMINDER_HOURS)) {
      throw new InvalidInputError(
        ['input', 'reminderHoursBeforeExpiry'],
        `reminderHoursBeforeExpiry is a whole number of hours from ${MIN_REMINDER_HOURS} to ${MAX_REMINDER_HOURS}, or null for no reminders.`,
      );
    }
    data.reminderHoursBeforeExpiry = hours;
  }
  if (input.inviteeMayRequestNewLink !== undefined) {
    if (input.inviteeMayRequestNewLink === null)
      throw new InvalidInputError(['input', 'inviteeMayRequestNewLink'], 'inviteeMayRequestNewLink is true or false.');
    data.inviteeMayRequestNewLink = input.inviteeMayRequestNewLink;
  }
  if (input.defaultLocale !== undefined) {
    if (input.defaultLocale === null) throw new InvalidInputError(['input', 'defaultLocale'], 'defaultLocale cannot be null.');
    data.defaultLocale = input.defaultLocale;
  }
  if (input.timeZone !== undefined) {
    const name = parseRequiredText(input.timeZone, ['input', 'timeZone'], 100);
    const zone = canonicalTimeZone(name);
    if (!zone) throw new InvalidInputError(['input', 'timeZone'], `"${name}" is not an IANA time zone (e.g. Europe/Paris, America/New_York, UTC).`);
    data.timeZone = zone;
  }
  return data;
}
