import type { PrismaClient } from '../database/prisma.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { InvalidInputError } from '../kernel/errors.ts';
import type { ProfileFilter } from './profile-filter.ts';
import { countProfiles, selectedProfileIds } from './profile-queries.ts';

// THE selection of a bulk action (invite, set access and tags, revoke
// invitations, delete): chosen ids, or every profile a search filter matches
// ("select all search results"). Every bulk action resolves it here.

/** Profiles to act on: a list of ids, or every profile a search filter matches. */
export type Selection = { profileIds: string[] } | { filter: ProfileFilter };

/** A selection as a caller gives it: ids or a filter, exactly one of them. */
export interface SelectionInput {
  profileIds?: string[] | null;
  filter?: ProfileFilter | null;
}

type Reader = PrismaClient | Prisma.TransactionClient;

/** The rule of a selection: either ids (at least one) or a filter, at `path` of the input; ids sorted and without duplicates. */
export function selectionOf(input: SelectionInput, path: string[]): Selection {
  const hasIds = input.profileIds != null;
  const hasFilter = input.filter != null;
  if (hasIds === hasFilter) throw new InvalidInputError(path, 'Give either profileIds or filter, not both and not neither.');
  if (hasIds && input.profileIds!.length === 0) throw new InvalidInputError([...path, 'profileIds'], 'Select at least one profile.');
  // Sorted, so chunks can follow them by cursor.
  return hasIds ? { profileIds: [...new Set(input.profileIds!)].sort() } : { filter: input.filter! };
}

/**
 * The next ids of the selection after `cursor`, in id order. Chosen ids are given back as they are (another
 * organization's or unknown ids too: each action reads its rows in the caller's organization and counts the rest
 * as NOT_FOUND); a filter's are the organization's profiles it matches now.
 */
export async function selectionIdsAfter(
  reader: Reader,
  organizationId: string,
  selection: Selection,
  cursor: string | null,
  now: Date,
  limit: number,
): Promise<string[]> {
  if ('profileIds' in selection) return selection.profileIds.filter((id) => cursor === null || id > cursor).slice(0, limit);
  return selectedProfileIds(reader, organizationId, selection.filter, now, cursor, limit);
}

/** How many profiles the selection holds: its ids, or the profiles its filter matches now. */
export async function selectionSize(reader: Reader, organizationId: string, selection: Selection, now: Date): Promise<number> {
  if ('profileIds' in selection) return selection.profileIds.length;
  return countProfiles(reader, organizationId, selection.filter, now);
}
