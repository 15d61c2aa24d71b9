import { Repeater } from 'graphql-yoga';
import type pg from 'pg';
import { createClient } from '../database/connections.ts';
import type { PrismaClient } from '../database/prisma.ts';
import type { BulkInvitation } from '../generated/prisma/client.ts';
import { PROGRESS_CHANNEL } from '../outbox/progress-notices.ts';

// Following a bulk invitation costs no polling. Whoever changes a bulk
// invitation announces it with PostgreSQL NOTIFY in the same transaction
// (server/outbox/progress-notices.ts: delivered at commit, only if it commits). Each
// server process holds ONE connection that LISTENs, reads the changed row once
// and hands it to every follower of that bulk invitation in the process. The
// connection opens with the first follower and closes with the last; if it
// drops, it reconnects and re-reads every followed row (announcements sent
// meanwhile were lost). A follower reads the current state once when it
// starts, after LISTEN is in effect, so nothing between the two is missed.

/** How many subscriptions one caller (an admin or an API key) may hold open at once, per server process. */
export const MAX_FOLLOWERS_PER_CALLER = 10;

const RECONNECT_DELAYS_MS = [100, 500, 1_000, 2_000, 5_000];

type Listener = (bulk: BulkInvitation) => void;

export class TooManyFollowersError extends Error {}

export class BulkInvitationProgressHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly callers = new Map<string, number>();
  private client: pg.Client | null = null;
  /** Resolves once LISTEN is in effect; a new one after the connection closed with the last follower. */
  private listeningNow: { promise: Promise<void>; resolve: () => void } | null = null;
  /** LISTEN took effect at least once since the first follower came: a reconnection must re-read what it may have missed. */
  private listenedBefore = false;
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly reading = new Map<string, { again: boolean }>();
  /** Each open follower's stop: called at shutdown (endAll). */
  private readonly stops = new Set<() => void>();

  constructor(
    private readonly connectionString: string,
    private readonly prisma: PrismaClient,
  ) {}

  /** Followers open in this process (tests and the benchmark read it). */
  get followerCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  /** Whether the LISTEN connection is open. */
  get listening(): boolean {
    return this.client !== null;
  }

  /**
   * Follows a bulk invitation of `organizationId` for `caller`: yields its
   * state now, then at each announced change, and ends once it is COMPLETED or
   * FAILED, when the id names nothing of the organization, when `signal`
   * aborts, or when the consumer stops iterating (the client went away).
   * Throws TooManyFollowersError when the caller already holds the maximum.
   */
  follow(bulkInvitationId: string, organizationId: string, caller: string, signal?: AbortSignal): AsyncIterableIterator<BulkInvitation> {
    const held = this.callers.get(caller) ?? 0;
    if (held >= MAX_FOLLOWERS_PER_CALLER) throw new TooManyFollowersError();
    this.callers.set(caller, held + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (this.callers.get(caller) ?? 1) - 1;
      if (left > 0) this.callers.set(caller, left);
      else this.callers.delete(caller);
    };

    const repeater = new Repeater<BulkInvitation>(async (push, stop) => {
      let last: [number, number] = [-1, -1];
      const deliver: Listener = (bulk) => {
        if (bulk.organizationId !== organizationId) return void stop();
        // Rows read at different moments may arrive out of order: only ever move forward.
        const position: [number, number] = [STATE_ORDER[bulk.state], bulk.done];
        if (position[0] > last[0] || (position[0] === last[0] && position[1] > last[1])) {
          last = position;
          void push(bulk);
        }
        if (bulk.state === 'COMPLETED' || bulk.state === 'FAILED') stop();
      };
      const { unsubscribe, listening } = this.subscribe(bulkInvitationId, deliver);
      const onAbort = () => stop();
      signal?.addEventListener('abort', onAbort);
      this.stops.add(onAbort);
      try {
        // Read once LISTEN is in effect: a change committed after this read is announced to us.
        if ((await Promise.race([listening.then(() => true), stop.then(() => false)])) === true) {
          const current = await this.prisma.bulkInvitation.findFirst({ where: { id: bulkInvitationId, organizationId } });
          if (current) deliver(current);
          else stop();
        }
        await stop;
      } finally {
        signal?.removeEventListener('abort', onAbort);
        this.stops.delete(onAbort);
        unsubscribe();
        release();
      }
    });
    // Released also when the consumer stops before the first value (the executor then never runs).
    return {
      next: () => repeater.next(),
      return: (value?: unknown) => {
        release();
        return repeater.return(value as undefined);
      },
      throw: (error?: unknown) => {
        release();
        return repeater.throw(error);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** At shutdown: ends every follower's stream, so each client gets the stream's last event (SSE \`complete\`) rather than a cut connection, and reconnects elsewhere. */
  endAll(): void {
    for (const stop of [...this.stops]) stop();
  }

  private subscribe(id: string, listener: Listener): { unsubscribe: () => void; listening: Promise<void> } {
    let set = this.listeners.get(id);
    if (!set) {
      set = new Set();
      this.listeners.set(id, set);
    }
    set.add(listener);
    if (!this.listeningNow) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      this.listeningNow = { promise, resolve };
    }
    if (!this.client && !this.reconnectTimer) void this.connect();
    const unsubscribe = () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(id);
      if (this.listeners.size === 0) this.disconnect();
    };
    return { unsubscribe, listening: this.listeningNow.promise };
  }

  private async connect(): Promise<void> {
    // The factory's listener logs the loss; this one reconnects.
    const client = createClient('progress', this.connectionString);
    this.client = client;
    client.on('notification', (message) => {
      if (message.payload && this.listeners.has(message.payload)) void this.read(message.payload);
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${PROGRESS_CHANNEL}`);
    } catch {
      this.lost(client);
      return;
    }
    if (this.client !== client) return;
    this.reconnectAttempt = 0;
    this.listeningNow?.resolve();
    // After a drop, whatever changed while nobody listened. (The first time, each follower reads once LISTEN is in effect.)
    if (this.listenedBefore) for (const id of this.listeners.keys()) void this.read(id);
    this.listenedBefore = true;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    client.removeAllListeners('end');
    void client.end().catch(() => {});
    if (this.listeners.size === 0) return;
    const delay = RECONNECT_DELAYS_MS[Math.min(this.reconnectAttempt++, RECONNECT_DELAYS_MS.length - 1)]!;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.listeners.size > 0 && !this.client) void this.connect();
    }, delay);
  }

  private disconnect(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const client = this.client;
    this.client = null;
    this.reconnectAttempt = 0;
    this.listeningNow = null;
    this.listenedBefore = false;
    if (client) void client.end().catch(() => {});
  }

  /** Reads the row once for all its followers; a change announced during the read triggers one more read. */
  private async read(id: string): Promise<void> {
    const inFlight = this.reading.get(id);
    if (inFlight) {
      inFlight.again = true;
      return;
    }
    const state = { again: false };
    this.reading.set(id, state);
    try {
      do {
        state.again = false;
        const bulk = await this.prisma.bulkInvitation.findUnique({ where: { id } }).catch(() => null);
        if (!bulk) continue;
        for (const listener of [...(this.listeners.get(id) ?? [])]) listener(bulk);
      } while (state.again && this.listeners.has(id));
    } finally {
      this.reading.delete(id);
    }
  }
}

const STATE_ORDER: Record<BulkInvitation['state'], number> = { QUEUED: 0, RUNNING: 1, COMPLETED: 2, FAILED: 2 };
