// Directory sync: employees provisioned from Microsoft Entra ID and Okta
// through SCIM 2.0 (/scim/v2), parking access from their groups, a clean exit
// when they leave. What other parts of Parkpass use:

export { handleScimRequest, isScimPath, scimBodyTooLarge, SCIM_PATH, type ScimDependencies } from './scim-http.ts';
export { MAX_DIRECTORY_CONNECTIONS, scimBaseUrl } from './connection-service.ts';
