import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { survivingLostConnections } from './connections.ts';
import { rootDir } from './paths.ts';
import { captureLogs } from '../observability/log.ts';

// Every node-postgres pool and client is made by server/database/connections.ts,
// which gives each one an 'error' listener: one made elsewhere, without it,
// ends the process the first time PostgreSQL drops its idle connection.

const FACTORY = 'server/database/connections.ts';
/** This file: its examples below are not code. */
const SELF = 'server/database/connections.test.ts';
const SCANNED = ['server', 'bench', 'sdk/test'];
const SKIPPED = new Set(['node_modules', 'generated', 'dist']);

/** The `new …(` of pg's Pool or Client (through any import name, or a subclass of either) in one source file. */
function pgConstructions(source: string): string[] {
  const names: string[] = [];
  for (const match of source.matchAll(/import\s+(?!type\b)([^;]*?)\s+from\s+['"]pg['"]/g)) {
    const clause = match[1]!;
    const whole = /^(?:\*\s+as\s+)?(\w+)/.exec(clause)?.[1];
    if (whole) names.push(`${whole}.Pool`, `${whole}.Client`, `${whole}.default.Pool`, `${whole}.default.Client`);
    for (const named of clause.matchAll(/\b(Pool|Client)\b(?:\s+as\s+(\w+))?/g)) names.push(named[2] ?? named[1]!);
  }
  if (names.length === 0) return [];
  const escaped = (name: string) => name.replaceAll('.', '\\.');
  // A class extending one of them is constructed the same way.
  for (const match of source.matchAll(new RegExp(`class\\s+(\\w+)\\s+extends\\s+(?:${names.map(escaped).join('|')})\\b`, 'g'))) names.push(match[1]!);
  const construction = new RegExp(`new\\s+(?:${names.map(escaped).join('|')})\\s*\\(`, 'g');
  return [...source.matchAll(construction)].map((match) => match[0]);
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(rootDir, dir), { withFileTypes: true });
  const files = await Promise.all(
    entries.map(async (entry) => {
      const relative = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : sourceFiles(relative);
      return /\.(ts|tsx|mts|js|mjs)$/.test(entry.name) ? [relative] : [];
    }),
  );
  return files.flat();
}

describe('node-postgres pools and clients', () => {
  it('are all made by server/database/connections.ts, which gives each an error listener', async () => {
    const files = (await Promise.all(SCANNED.map(sourceFiles))).flat().filter((file) => file !== FACTORY && file !== SELF);
    expect(files.length).toBeGreaterThan(100);
    const offenders: string[] = [];
    for (const file of files) {
      for (const found of pgConstructions(await readFile(path.join(rootDir, file), 'utf8'))) offenders.push(`${file}: ${found}`);
    }
    expect(offenders, `use createPool/createClient from ${FACTORY}`).toEqual([]);
  });

  it('are recognised through every way of importing pg', () => {
    expect(pgConstructions("import pg from 'pg';\nconst pool = new pg.Pool({});\nconst c = new pg.Client('x');")).toEqual(['new pg.Pool(', 'new pg.Client(']);
    expect(pgConstructions("import { Pool, Client as PgClient } from 'pg';\nnew Pool(); new PgClient();")).toEqual(['new Pool(', 'new PgClient(']);
    expect(pgConstructions("import * as postgres from 'pg';\nnew postgres.default.Client();")).toEqual(['new postgres.default.Client(']);
    expect(pgConstructions("import pg from 'pg';\nclass Mine extends pg.Client {}\nnew Mine();")).toEqual(['new Mine(']);
    // Type-only imports and other libraries' Pool and Client are not pg's.
    expect(pgConstructions("import type pg from 'pg';\nimport { Client } from 'postmark';\nnew Client('token');")).toEqual([]);
  });
});

describe('an unhandled rejection in the server or the worker', () => {
  it('is one line of the log when it is a lost connection, and still ends the process otherwise', () => {
    const logs = captureLogs('warn');
    const lost = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    expect(() => survivingLostConnections(lost)).not.toThrow();
    expect(() => survivingLostConnections(new Error('Connection terminated unexpectedly'))).not.toThrow();
    // graphile-worker's LISTEN client released twice as a lost runner stops (seen in the failover drill).
    expect(() => survivingLostConnections(new Error('Release called on client which has already been released to the pool.'))).not.toThrow();
    expect(logs.entries().map((entry) => entry.msg)).toEqual([
      'Database connection lost (unawaited, 57P01): terminating connection due to administrator command',
      'Database connection lost (unawaited, no code): Connection terminated unexpectedly',
      'A database client was released twice after a lost connection (graphile-worker); ignored.',
    ]);
    const bug = new TypeError('undefined is not a function');
    expect(() => survivingLostConnections(bug)).toThrow(bug);
    expect(() => survivingLostConnections(Object.assign(new Error('duplicate key'), { code: '23505' }))).toThrow('duplicate key');
    logs.stop();
  });
});
