import {
  AdminCreateDocument,
  AdminCreateOutcomeDocument,
  type AdminCreateInput,
  AdminDeleteDocument,
  AdminNodeDocument,
  AdminsDocument,
  AdminSignInDeviceDocument,
  AdminSignInDocument,
  AdminSignOutDocument,
  type AdminLoginInput,
  OrganizationInvitationSettingsUpdateDocument,
  OrganizationLanguageUpdateDocument,
  OrganizationSettingsUpdateDocument,
  PingDocument,
  ViewerAdminDocument,
  type OrganizationUpdateInput,
  ViewerIdentityDocument,
  ViewerOrganizationDocument,
  ViewerPermissionsDocument,
} from '../generated/graphql.ts';
import type { Call } from './call.ts';

/** Admins, their sessions, the viewer and the organization's settings (server/test/documents/admins.graphql). Ids are global ids. */
export const adminOperations = (call: Call) => ({
  adminCreate: async (input: AdminCreateInput) => (await call(AdminCreateDocument, { input })).adminCreate,
  /** adminCreate's answer without ids or paths, for comparing whole answers. */
  adminCreateOutcome: async (input: AdminCreateInput) => (await call(AdminCreateOutcomeDocument, { input })).adminCreate,
  adminDelete: async (id: string) => (await call(AdminDeleteDocument, { id })).adminDelete,
  adminLogin: async (input: AdminLoginInput) => (await call(AdminSignInDocument, { input })).adminLogin,
  /** adminLogin answering the device token, or the refusal's code. */
  adminLoginDevice: async (input: AdminLoginInput) => (await call(AdminSignInDeviceDocument, { input })).adminLogin,
  adminLogout: async () => (await call(AdminSignOutDocument, {})).adminLogout,
  admins: async () => (await call(AdminsDocument, {})).admins,
  /** An admin read through `node` (null when not visible). */
  adminNode: async (id: string) => (await call(AdminNodeDocument, { id })).node,
  /** Who the caller is: actor kind, role, API key name. */
  viewerIdentity: async () => (await call(ViewerIdentityDocument, {})).viewer,
  /** Who the caller is: actor kind, role, admin email. */
  viewerAdmin: async () => (await call(ViewerAdminDocument, {})).viewer,
  /** The caller's organization id. */
  viewerOrganization: async () => (await call(ViewerOrganizationDocument, {})).viewer.organization,
  /** A request that reads nothing (`{ __typename }`): authentication only. */
  ping: async () => (await call(PingDocument, {})).__typename,
  /** What the caller may do, action by action. */
  viewerPermissions: async () => (await call(ViewerPermissionsDocument, {})).viewer,
  organizationUpdate: async (input: OrganizationUpdateInput) => (await call(OrganizationSettingsUpdateDocument, { input })).organizationUpdate,
  /** organizationUpdate answering the invitation settings (or the path of what is wrong). */
  organizationInvitationSettingsUpdate: async (input: OrganizationUpdateInput) =>
    (await call(OrganizationInvitationSettingsUpdateDocument, { input })).organizationUpdate,
  /** organizationUpdate answering the language and time zone (or the path of what is wrong). */
  organizationLanguageUpdate: async (input: OrganizationUpdateInput) => (await call(OrganizationLanguageUpdateDocument, { input })).organizationUpdate,
});
