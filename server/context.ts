import type { PrismaClient } from './database/prisma.ts';
import type { Role } from './generated/prisma/enums.ts';

/** Who is calling: always bound to exactly one organization. */
export interface Viewer {
  organizationId: string;
  role: Role;
  actor: { kind: 'API_KEY' | 'ADMIN'; id: string };
}

/** Time as the domain sees it; tests swap in a controllable one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface Context {
  prisma: PrismaClient;
  clock: Clock;
  viewer: Viewer | null;
}

/** The context of a field guarded by the `authenticated` scope. */
export interface AuthenticatedContext extends Context {
  viewer: Viewer;
}
