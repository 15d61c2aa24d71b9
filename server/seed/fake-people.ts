// Deterministic made-up people for the demo and benchmark data sets, with
// accented names so that accent-insensitive search has something to find.

export const FIRST_NAMES = [
  'Hélène',
  'Jean',
  'Zoë',
  'Amélie',
  'François',
  'Léa',
  'Chloé',
  'Noël',
  'Inès',
  'Raphaël',
  'Anna',
  'Lucas',
  'Sofia',
  'Omar',
  'Mia',
  'Pedro',
  'Yuki',
  'Björn',
  'Ana',
  'Kofi',
];
export const LAST_NAMES = [
  'Dupont',
  'Müller',
  'Lefèvre',
  'García',
  'Nguyen',
  'Rossi',
  'Smith',
  'Kowalski',
  'Öztürk',
  'Dubois',
  'Martin',
  'Bernard',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Simon',
  'Laurent',
  'Michel',
  'Côté',
];

export interface FakePerson {
  firstName: string;
  lastName: string;
  email: string;
}

/** `count` people numbered from `start`, with unique emails at `domain`. */
export function fakePeople(count: number, domain: string, start = 0): FakePerson[] {
  return Array.from({ length: count }, (_, offset) => {
    const n = start + offset;
    const firstName = FIRST_NAMES[n % FIRST_NAMES.length]!;
    const lastName = LAST_NAMES[Math.floor(n / FIRST_NAMES.length) % LAST_NAMES.length]!;
    const local = `${firstName}.${lastName}.${n}`.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    return { firstName, lastName, email: `${local}@${domain}` };
  });
}
