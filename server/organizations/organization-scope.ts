import type { Context } from '../context.ts';
import { unauthenticated } from '../errors/graphql-errors.ts';

/** The caller's organization id; every query filters on it, so other organizations' rows never match. */
export function organizationIdOf(context: Context): string {
  if (!context.viewer) throw unauthenticated();
  return context.viewer.organizationId;
}
