import { z } from 'zod';
import { InvalidEmailError, InvalidInputError } from '../errors/domain-errors.ts';

// The shape rules for text every kind of input shares (names, emails), so a
// profile, an admin and an API key are checked alike.

const emailSchema = z.email().max(254);

/** A trimmed email address, or InvalidEmailError at `path`. */
export function parseEmail(raw: string | null | undefined, path: string[]): string {
  const email = raw?.trim() ?? '';
  if (!emailSchema.safeParse(email).success) throw new InvalidEmailError(path, email);
  return email;
}

/** A trimmed, non-empty text of at most `max` characters, or InvalidInputError at `path`. */
export function parseRequiredText(raw: string | null | undefined, path: string[], max: number): string {
  const name = path.at(-1);
  const text = raw?.trim() ?? '';
  if (!text) throw new InvalidInputError(path, `${name} must not be empty.`);
  if (text.length > max) throw new InvalidInputError(path, `${name} is at most ${max} characters.`);
  return text;
}
