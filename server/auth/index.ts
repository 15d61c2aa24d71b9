// Authentication's public entry: the password rules and hashing that admins and invited people share.
export { assertPasswordPolicy, PASSWORD_POLICY } from './password-policy.ts';
export { hashPassword } from './passwords.ts';
