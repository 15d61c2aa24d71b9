import { Prisma } from '../generated/prisma/client.ts';
import type { Invitation } from '../generated/prisma/client.ts';
import { InvitationAlreadyUsedError, InvitationExpiredError, InvitationRevokedError } from '../kernel/errors.ts';

// THE definition of where an invitation stands. Each state is one row below,
// in the order they win: a revoked or superseded invitation past its expiry is
// REVOKED or SUPERSEDED, never EXPIRED. The GraphQL state, the accept and
// revoke rules, the communication gate, the profile filter ("pending with an
// expired invitation") and the counts all read these rows, in TypeScript or as
// SQL, so they cannot disagree.

export type InvitationState = 'OPEN' | 'EXPIRED' | 'ACCEPTED' | 'REVOKED' | 'SUPERSEDED';

type InvitationDates = Pick<Invitation, 'expiresAt' | 'acceptedAt' | 'revokedAt' | 'supersededAt'>;

interface StateRule {
  state: InvitationState;
  /** Whether the invitation is in this state (given that no earlier row matched). */
  holds(invitation: InvitationDates, now: Date): boolean;
  /** The same test in SQL, on the invitation table under `alias`. */
  sql(alias: string, now: Date): Prisma.Sql;
  /** The same test as Prisma's where (for reads through the confined client). */
  where(now: Date): Prisma.InvitationWhereInput;
}

/** A column of the invitation under `alias` (an alias of our own queries, never input). */
const column = (alias: string, name: string) => Prisma.raw(`"${alias}"."${name}"`);

const STATE_RULES: readonly StateRule[] = [
  {
    state: 'ACCEPTED',
    holds: (i) => i.acceptedAt !== null,
    sql: (a) => Prisma.sql`${column(a, 'accepted_at')} IS NOT NULL`,
    where: () => ({ acceptedAt: { not: null } }),
  },
  {
    state: 'REVOKED',
    holds: (i) => i.revokedAt !== null,
    sql: (a) => Prisma.sql`${column(a, 'revoked_at')} IS NOT NULL`,
    where: () => ({ revokedAt: { not: null } }),
  },
  {
    state: 'SUPERSEDED',
    holds: (i) => i.supersededAt !== null,
    sql: (a) => Prisma.sql`${column(a, 'superseded_at')} IS NOT NULL`,
    where: () => ({ supersededAt: { not: null } }),
  },
  {
    state: 'EXPIRED',
    holds: (i, now) => i.expiresAt.getTime() <= now.getTime(),
    sql: (a, now) => Prisma.sql`${column(a, 'expires_at')} <= ${now}::timestamptz`,
    where: (now) => ({ expiresAt: { lte: now } }),
  },
];

/** Where an invitation stands at `now`. */
export function invitationState(invitation: InvitationDates, now: Date): InvitationState {
  return STATE_RULES.find((rule) => rule.holds(invitation, now))?.state ?? 'OPEN';
}

/** SQL: the invitation under `alias` is in `state` at `now` (the rows before it in the table do not hold). */
export function invitationInStateSql(alias: string, state: InvitationState, now: Date): Prisma.Sql {
  const index = STATE_RULES.findIndex((rule) => rule.state === state);
  const earlier = index === -1 ? STATE_RULES : STATE_RULES.slice(0, index);
  const conditions = earlier.map((rule) => Prisma.sql`NOT (${rule.sql(alias, now)})`);
  if (index !== -1) conditions.push(STATE_RULES[index]!.sql(alias, now));
  return Prisma.sql`(${Prisma.join(conditions, ' AND ')})`;
}

/** Prisma's where: the invitation is in `state` at `now` (the rows before it in the table do not hold). */
export function invitationInStateWhere(state: InvitationState, now: Date): Prisma.InvitationWhereInput {
  const index = STATE_RULES.findIndex((rule) => rule.state === state);
  const earlier = index === -1 ? STATE_RULES : STATE_RULES.slice(0, index);
  const conditions: Prisma.InvitationWhereInput[] = earlier.map((rule) => ({ NOT: rule.where(now) }));
  if (index !== -1) conditions.push(STATE_RULES[index]!.where(now));
  return { AND: conditions };
}

/**
 * SQL: the invitation under `alias` was neither accepted, revoked nor
 * superseded: its link still works unless it expired. The invitations a new
 * one supersedes, or an email change revokes.
 */
export function invitationNotClosedSql(alias: string): Prisma.Sql {
  const closing = STATE_RULES.filter((rule) => rule.state !== 'EXPIRED').map((rule) => Prisma.sql`NOT (${rule.sql(alias, new Date(0))})`);
  return Prisma.sql`(${Prisma.join(closing, ' AND ')})`;
}

/** Refuses, with the reason, an invitation that can no longer be used (accepted, revoked, superseded or expired at `now`). */
export function assertOpen(invitation: Pick<Invitation, 'expiresAt' | 'acceptedAt' | 'revokedAt' | 'supersededAt'>, now: Date): void {
  switch (invitationState(invitation, now)) {
    case 'ACCEPTED':
      throw new InvitationAlreadyUsedError();
    case 'REVOKED':
      throw new InvitationRevokedError(false);
    case 'SUPERSEDED':
      throw new InvitationRevokedError(true);
    case 'EXPIRED':
      throw new InvitationExpiredError(invitation.expiresAt);
    case 'OPEN':
      return;
  }
}
