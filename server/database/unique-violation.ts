import { Prisma } from '../generated/prisma/client.ts';

// The one translator of "a unique constraint refused this write", whichever
// way it reaches us: Prisma's P2002, a raw query's 23505 (P2010), or pg's own
// error. Services turn it into their typed error (EmailAlreadyUsed, a raced
// idempotency key…).

export interface UniqueViolation {
  /** Whether the violated constraint involves this column (database or Prisma name). */
  involves(column: string): boolean;
}

/** The unique violation behind an error, or null when it is something else. */
export function uniqueViolation(error: unknown): UniqueViolation | null {
  let described: string | null = null;
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === 'P2002' || (error.code === 'P2010' && JSON.stringify(error.meta ?? {}).includes('23505'))) {
      described = `${JSON.stringify(error.meta ?? {})} ${error.message}`;
    }
  } else if (error && typeof error === 'object' && (error as { code?: unknown }).code === '23505') {
    const pgError = error as { constraint?: string; detail?: string };
    described = `${pgError.constraint ?? ''} ${pgError.detail ?? ''}`;
  }
  if (described === null) return null;
  const text = described;
  return { involves: (column) => text.includes(column) };
}
