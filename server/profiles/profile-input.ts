import { z } from 'zod';
import { InvalidInputError } from '../kernel/errors.ts';
import type { Locale, PaymentMethod } from '../generated/prisma/enums.ts';
import { parseEmail, parseOptionalText, parseRequiredText } from '../kernel/text-fields.ts';

// The rules a profile's fields follow, shared by create, update and bulk upsert.

export const MAX_NAME_LENGTH = 100;
export const MAX_EXTERNAL_ID_LENGTH = 200;
export const MAX_LINKS_PER_PROFILE = 200;

const phoneSchema = z.string().regex(/^\+?[0-9][0-9 ().-]{4,24}$/);

export interface ProfileFieldsInput {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  externalId?: string | null;
  paymentMethods?: PaymentMethod[] | null;
  locale?: Locale | null;
  parkingLotIds?: string[] | null;
  tagIds?: string[] | null;
}

export interface ProfileFields {
  firstName?: string;
  lastName?: string;
  email?: string;
  /** null clears it. */
  phone?: string | null;
  /** null clears it. */
  externalId?: string | null;
  paymentMethods?: PaymentMethod[];
  /** The person's language; null: the organization's default. */
  locale?: Locale | null;
  /** When present, replaces the profile's access. */
  parkingLotIds?: string[];
  /** When present, replaces the profile's tags. */
  tagIds?: string[];
}

/**
 * Checks and normalizes the fields present in `input` (absent fields stay absent,
 * so the same function serves partial updates). `path` locates the input in the
 * request for error messages. Throws the first InputError found.
 */
export function parseProfileFields(input: ProfileFieldsInput, path: string[], required: boolean): ProfileFields {
  const fields: ProfileFields = {};
  for (const key of ['firstName', 'lastName'] as const) {
    if (input[key] === undefined && !required) continue;
    fields[key] = parseRequiredText(input[key], [...path, key], MAX_NAME_LENGTH);
  }
  if (input.email !== undefined || required) {
    fields.email = parseEmail(input.email, [...path, 'email']);
  }
  if (input.phone !== undefined) {
    const phone = parseOptionalText(input.phone, [...path, 'phone'], 30);
    if (phone !== null && !phoneSchema.safeParse(phone).success) {
      throw new InvalidInputError([...path, 'phone'], `"${phone}" is not a phone number (digits, spaces, ( ) . - and a leading +).`);
    }
    fields.phone = phone;
  }
  if (input.externalId !== undefined) {
    fields.externalId = parseOptionalText(input.externalId, [...path, 'externalId'], MAX_EXTERNAL_ID_LENGTH);
  }
  if (input.paymentMethods != null) fields.paymentMethods = [...new Set(input.paymentMethods)];
  if (input.locale !== undefined) fields.locale = input.locale;
  for (const key of ['parkingLotIds', 'tagIds'] as const) {
    const ids = input[key];
    if (ids == null) continue;
    if (ids.length > MAX_LINKS_PER_PROFILE) {
      throw new InvalidInputError([...path, key], `A profile has at most ${MAX_LINKS_PER_PROFILE} ${key === 'tagIds' ? 'tags' : 'parking lots'}.`);
    }
    fields[key] = [...new Set(ids)];
  }
  return fields;
}
