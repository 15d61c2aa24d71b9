import { getOperationAST, Kind, type OperationDefinitionNode, parse } from 'graphql';
import type { PrismaClient } from '../database/prisma.ts';
import type { Clock, Viewer } from '../kernel/scope.ts';

// Read replicas for the read path. A query whose every root field is a list,
// a search or a count (REPLICA_ROOT_FIELDS) is answered from the replica;
// everything else (mutations, subscriptions, single-object reads, the
// accept page's reads, sign-in) from the primary. Read-your-writes: after a
// caller's mutation, that caller (an API key, or an admin in any session)
// reads from the primary for `readYourWritesMs`, longer than the replica's
// usual lag, so what it just wrote is never missing from its next list.
// The window is this process's memory: behind a load balancer, a caller's
// next request may reach another server, which did not see the mutation
// (keep the balancer sticky per caller, or the window longer than the lag).

/** Root query fields the replica may answer: lists, searches and counts, which tolerate a replica's lag. */
export const REPLICA_ROOT_FIELDS: ReadonlySet<string> = new Set([
  'profiles',
  'profileCounts',
  'invitations',
  'auditEvents',
  'bulkInvitations',
  'parkingLots',
  'tags',
]);

/** Of one request: the operation and its name, as yoga received them. */
export interface RequestedOperation {
  query?: string;
  operationName?: string | null;
}

/** The operation a request runs, or null when it cannot be read (the primary then answers, and yoga refuses it). */
function operationOf(requested: RequestedOperation): OperationDefinitionNode | null {
  if (!requested.query) return null;
  try {
    return getOperationAST(parse(requested.query, { maxTokens: 10_000 }), requested.operationName ?? undefined) ?? null;
  } catch {
    return null;
  }
}

/** Whether an operation is a query of replica-safe root fields only. */
export function readsFromReplica(operation: OperationDefinitionNode | null): boolean {
  if (operation?.operation !== 'query') return false;
  return operation.selectionSet.selections.every(
    (selection) => selection.kind === Kind.FIELD && (selection.name.value === '__typename' || REPLICA_ROOT_FIELDS.has(selection.name.value)),
  );
}

export class ReadRouting {
  /** When each caller last sent a mutation (ms), while its window lasts. */
  private readonly lastWrites = new Map<string, number>();

  constructor(
    private readonly primary: PrismaClient,
    private readonly replica: PrismaClient,
    private readonly clock: Clock,
    private readonly readYourWritesMs: number,
  ) {}

  /** The client one request reads and writes with: the replica for a read-path query of a caller without a recent write. */
  clientFor(viewer: Viewer | null, requested: RequestedOperation): PrismaClient {
    const now = this.clock.now().getTime();
    const caller = viewer ? `${viewer.actor.kind}:${viewer.actor.id}` : null;
    const operation = operationOf(requested);
    if (caller && operation && operation.operation !== 'query') this.wrote(caller, now);
    if (!readsFromReplica(operation)) return this.primary;
    const lastWrite = caller ? this.lastWrites.get(caller) : undefined;
    return lastWrite !== undefined && now - lastWrite < this.readYourWritesMs ? this.primary : this.replica;
  }

  private wrote(caller: string, now: number): void {
    this.lastWrites.set(caller, now);
    // Forget windows that ended, so the map holds only the callers of the last few seconds.
    if (this.lastWrites.size > 10_000) {
      for (const [key, at] of this.lastWrites) if (now - at >= this.readYourWritesMs) this.lastWrites.delete(key);
    }
  }
}
