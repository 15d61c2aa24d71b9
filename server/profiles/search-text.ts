// Profile search is case- and accent-insensitive: "helene" finds "Hélène".
// Both the stored search_text column and the searched terms go through
// `normalizeForSearch`, so they always agree; a pg_trgm GIN index serves the
// `LIKE '%term%'` that each term becomes.

export function normalizeForSearch(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

export interface SearchableProfile {
  firstName: string;
  lastName: string;
  email: string;
  externalId?: string | null;
  phone?: string | null;
}

/**
 * What profile.search_text holds: first name, last name and email, so "first
 * last" and the address both match; the integrator's externalId; the phone as
 * typed and as digits only, so "06 12" and "0612" both find "06 12 34 56 78". (The
 * migration 20261126171915_search_external_id_phone_sort_name wrote the same
 * for the rows that existed, in SQL.)
 */
export function profileSearchText(profile: SearchableProfile): string {
  const phone = profile.phone ?? '';
  const digits = phone.replace(/\D/g, '');
  return normalizeForSearch(`${profile.firstName} ${profile.lastName} ${profile.email} ${profile.externalId ?? ''} ${phone} ${digits}`);
}

/** What profile.sort_name holds: "last first" without case or accents, so "Ábalos" sorts with the A's and "dupont" next to "Dupont". */
export function profileSortName(profile: { firstName: string; lastName: string }): string {
  return normalizeForSearch(`${profile.lastName} ${profile.firstName}`);
}

/** The words of a search box; a profile matches when its text contains every one. */
export function searchTerms(search: string): string[] {
  return normalizeForSearch(search).split(' ').filter(Boolean);
}
