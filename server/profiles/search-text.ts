// Profile search is case- and accent-insensitive: "helene" finds "Hélène".
// Both the stored search_text column and the searched terms go through
// `normalizeForSearch`, so they always agree; a pg_trgm GIN index serves the
// `LIKE '%term%'` that each term becomes.

export function normalizeForSearch(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** What profile.search_text holds: first name, last name and email, so "first last" and the address both match. */
export function profileSearchText(profile: { firstName: string; lastName: string; email: string }): string {
  return normalizeForSearch(`${profile.firstName} ${profile.lastName} ${profile.email}`);
}

/** The words of a search box; a profile matches when its text contains every one. */
export function searchTerms(search: string): string[] {
  return normalizeForSearch(search).split(' ').filter(Boolean);
}
