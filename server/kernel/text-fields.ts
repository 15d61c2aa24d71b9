import { z } from 'zod';
import { InvalidEmailError, InvalidInputError } from './errors.ts';

// The ONE shape rule for text that enters Parkpass (profiles, the names of
// parking lots, tags, API keys and admins, organization settings, search
// terms, idempotency keys, sign-in emails), so every field is checked alike:
// - valid Unicode: no unpaired surrogate (PostgreSQL cannot store one);
// - no control characters: C0/C1 controls (NUL, tab, line breaks, escape…),
//   the Unicode line and paragraph separators, and the bidirectional
//   embedding/override/isolate controls (they make a name read differently
//   from what it is, in an email subject for instance). Line breaks are
//   refused in every field today: all are single-line (a multi-line field
//   would pass `multiline` to accept "\n", with "\r\n" folded to it);
// - NFC: "é" typed as e + U+0301 is stored as the single "é", so equal
//   names are equal strings.
// Then trimmed. Violations are an InvalidInputError at the field's path, so
// a bad row of a bulk upsert is reported on that row alone. Passwords are not
// text in this sense (they are compared byte for byte, never stored): they
// follow the password policy, which refuses the same unpaired surrogates and
// control characters but does not normalize.

const UNPAIRED_SURROGATE = /\p{Cs}/u;
const CONTROL = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this rule's purpose.
const CONTROL_BUT_LINE_FEED = /[\0-\x09\x0B-\x1F\x7F-\x9F\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/** Why `text` breaks the shape rule, or null. */
export function textShapeProblem(text: string, options: { multiline?: boolean } = {}): string | null {
  if (UNPAIRED_SURROGATE.test(text)) return 'is not valid Unicode text (it holds an unpaired surrogate)';
  if ((options.multiline ? CONTROL_BUT_LINE_FEED : CONTROL).test(options.multiline ? text.replace(/\r\n/g, '\n') : text)) {
    return options.multiline ? 'must not hold control characters' : 'must be one line without control characters (no line break, tab or NUL)';
  }
  return null;
}

/** Text that follows the shape rule, NFC-normalized and trimmed; InvalidInputError at `path` otherwise. */
export function parseText(raw: string, path: string[], options: { multiline?: boolean } = {}): string {
  const problem = textShapeProblem(raw, options);
  if (problem) throw new InvalidInputError(path, `${String(path.at(-1))} ${problem}.`);
  const text = options.multiline ? raw.replace(/\r\n/g, '\n') : raw;
  return text.normalize('NFC').trim();
}

/** Optional text: null or blank is null; otherwise as parseText, at most `max` characters. */
export function parseOptionalText(raw: string | null | undefined, path: string[], max: number): string | null {
  if (raw == null) return null;
  const text = parseText(raw, path);
  if (!text) return null;
  if ([...text].length > max) throw new InvalidInputError(path, `${String(path.at(-1))} is at most ${max} characters.`);
  return text;
}

/** A non-empty text of at most `max` characters (see the rule above), or InvalidInputError at `path`. */
export function parseRequiredText(raw: string | null | undefined, path: string[], max: number): string {
  const name = path.at(-1);
  const text = parseText(raw ?? '', path);
  if (!text) throw new InvalidInputError(path, `${name} must not be empty.`);
  if ([...text].length > max) throw new InvalidInputError(path, `${name} is at most ${max} characters.`);
  return text;
}

const emailSchema = z.email().max(254);

/** A trimmed email address (after the shape rule), or InvalidEmailError at `path`. */
export function parseEmail(raw: string | null | undefined, path: string[]): string {
  const email = parseText(raw ?? '', path);
  if (!emailSchema.safeParse(email).success) throw new InvalidEmailError(path, email);
  return email;
}
