import { PasswordTooWeakError } from '../kernel/errors.ts';
import { textShapeProblem } from '../kernel/text-fields.ts';

// One password policy for admins and invited people, shown on the accept page.
// Length is what makes a password strong (NIST SP 800-63B); no composition rules.

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

export const PASSWORD_POLICY =
  `At least ${PASSWORD_MIN_LENGTH} characters (at most ${PASSWORD_MAX_LENGTH}), not your email address, ` + 'and not one character repeated.';

/** Throws PasswordTooWeakError naming the first rule the password breaks. */
export function assertPasswordPolicy(password: string, email: string, path: string[]): void {
  if (textShapeProblem(password)) {
    throw new PasswordTooWeakError(path, 'The password must be valid Unicode text without control characters (no line break, tab or NUL).');
  }
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) throw new PasswordTooWeakError(path, `The password needs at least ${PASSWORD_MIN_LENGTH} characters.`);
  if (length > PASSWORD_MAX_LENGTH) throw new PasswordTooWeakError(path, `The password may have at most ${PASSWORD_MAX_LENGTH} characters.`);
  if (password.trim().toLowerCase() === email.trim().toLowerCase()) throw new PasswordTooWeakError(path, 'The password may not be your email address.');
  if (new Set(password).size === 1) throw new PasswordTooWeakError(path, 'The password may not be one character repeated.');
}
