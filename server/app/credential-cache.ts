import type pg from 'pg';
import type { Viewer } from '../kernel/scope.ts';
import { createClient } from '../database/connections.ts';

// The callers this process authenticated in the last moment, by their token's
// hash, so that a burst of requests with one API key or session reads it once
// (its statement was a third of an authenticated trivial query's round trips).
// What may not be weakened: a revoked key, an ended session, a changed role or
// plan counts on every server within a second. So:
//   - triggers on api_key, admin_session, admin and organization NOTIFY
//     `parkpass_credentials` whenever a statement could change what a token
//     grants (prisma/migrations/…_credential_notices); each server LISTENs on
//     one direct connection and forgets everything it cached on each notice;
//   - an entry is kept at most CREDENTIAL_CACHE_MS anyway (a lost notice costs
//     at most that);
//   - nothing is cached while the LISTEN is not in effect (before it starts,
//     after its connection drops, until it is back): every request reads;
//   - a lookup that began before a notice is not stored after it (generation);
//   - this process's own writes clear it at once (`clear()`, after any request
//     that is not a read: server/app/yoga.ts), so a caller who signs out or
//     revokes a key here is refused on its very next request here.
// Refusals are never cached: an unknown or revoked token reads every time.
// The same holds for a directory connection's SCIM bearer token (its key is
// prefixed `scim:`): a trigger on directory_connection NOTIFYs on a rotation,
// a deletion or a change of what the SCIM service reads from the connection.

export const CREDENTIALS_CHANNEL = 'parkpass_credentials';
/** How long a cached credential is trusted without a notice; the bound a revocation waits on a server whose notice is lost. */
export const CREDENTIAL_CACHE_MS = 500;
const RECONNECT_DELAYS_MS = [100, 500, 2_000, 5_000];

interface Entry {
  /** The caller (a Viewer), or what else the key names (a directory connection, under `scim:`). */
  value: unknown;
  /** A session's end (checked against the request's clock at each use); null for an API key. */
  expiresAt: Date | null;
  /** performance.now() past which the entry is not used. */
  until: number;
}

export class CredentialCache {
  private readonly entries = new Map<string, Entry>();
  private client: pg.Client | null = null;
  private listening = false;
  private closed = false;
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private waiting: (() => void)[] = [];
  private losing: (() => void)[] = [];
  /** Bumped by every notice, drop and clear: a lookup started under an older generation is not stored. */
  generation = 0;

  constructor(
    private readonly connectionString: string,
    private readonly ttlMs = CREDENTIAL_CACHE_MS,
  ) {}

  /** The cached caller of a token hash, if still trusted at `now` (the request's clock, for a session's expiry). */
  get<T = Viewer>(tokenHash: string, now: Date): T | undefined {
    if (!this.listening) {
      if (!this.client && !this.reconnectTimer && !this.closed) void this.connect();
      return undefined;
    }
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    if (performance.now() > entry.until || (entry.expiresAt && entry.expiresAt <= now)) {
      this.entries.delete(tokenHash);
      return undefined;
    }
    return entry.value as T;
  }

  /** Stores what a lookup begun under `generation` found, unless a notice came meanwhile. */
  set<T = Viewer>(tokenHash: string, value: T, expiresAt: Date | null, generation: number): void {
    if (!this.listening || generation !== this.generation) return;
    this.entries.set(tokenHash, { value, expiresAt, until: performance.now() + this.ttlMs });
  }

  /** Forgets every cached caller (a notice, or a write made by this process). */
  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  /** Resolves once LISTEN is in effect (tests; requests never wait for it). */
  async ready(): Promise<void> {
    if (this.listening) return;
    if (!this.client && !this.reconnectTimer) void this.connect();
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Resolves when the LISTEN connection is next lost (tests). */
  lost(): Promise<void> {
    return new Promise((resolve) => this.losing.push(resolve));
  }

  /** The LISTEN connection's server process id (tests cut it to show the cache stops). */
  get listenerPid(): number | null {
    return this.listening ? ((this.client as unknown as { processID?: number } | null)?.processID ?? null) : null;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.listening = false;
    this.clear();
    for (const resolve of this.waiting.splice(0)) resolve();
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const client = createClient('credentials', this.connectionString);
    this.client = client;
    client.on('notification', () => this.clear());
    client.on('error', () => this.drop(client));
    client.on('end', () => this.drop(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CREDENTIALS_CHANNEL}`);
    } catch {
      this.drop(client);
      return;
    }
    if (this.client !== client) return;
    this.reconnectAttempt = 0;
    // Whatever changed while nobody listened was not cached: the cache starts empty.
    this.clear();
    this.listening = true;
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  private drop(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.listening = false;
    this.clear();
    for (const resolve of this.losing.splice(0)) resolve();
    client.removeAllListeners('end');
    void client.end().catch(() => {});
    if (this.closed) return;
    const delay = RECONNECT_DELAYS_MS[Math.min(this.reconnectAttempt++, RECONNECT_DELAYS_MS.length - 1)]!;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closed && !this.client) void this.connect();
    }, delay);
  }
}
