import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKeySecret } from '../auth/api-keys.ts';
import { type RunningPostgres, startEmbeddedPostgres } from '../database/embedded-postgres.ts';
import { freePort } from '../database/free-port.ts';
import { bootstrapDatabase, type Database, withDatabase } from '../database/index.ts';
import { dataDir } from '../database/paths.ts';
import { createPrisma, type PrismaClient } from '../database/prisma.ts';
import { TestClock, typedSender } from '../test/kit.ts';
import { expectTypename, operationsAs } from '../test/operations.ts';
import { type RunningReplica, startReplica } from '../test/replica.ts';
import { readsFromReplica } from './read-routing.ts';
import { createApp } from './yoga.ts';
import { getOperationAST, parse } from 'graphql';

// A streaming replica made on this machine from the primary's own binaries
// (a base backup by pg_backup_start/pg_backup_stop), its replay paused to make
// it lag: lists and counts come from the replica, except for the caller who
// just wrote, who reads from the primary for the read-your-writes window.

const WINDOW_MS = 5_000;
let primaryDir: string;
let primary: RunningPostgres;
let database: Database;
let replica: RunningReplica;
let replicaPrisma: PrismaClient;
const clock = new TestClock();
let app: ReturnType<typeof createApp>;
const keys = { writer: generateApiKeySecret(), reader: generateApiKeySecret() };

beforeAll(async () => {
  primaryDir = path.join(dataDir, `replica-primary-${randomBytes(4).toString('hex')}`);
  primary = await startEmbeddedPostgres({ dataDir: primaryDir, port: await freePort(), fast: true });
  database = await bootstrapDatabase({ serverUrl: primary.url, database: 'parkpass' });
  await database.prisma.organization.create({
    data: {
      name: 'Replica Corp',
      plan: 'ENTERPRISE',
      apiKeys: {
        create: [
          { name: 'writer', role: 'ADMIN', prefix: keys.writer.prefix, secretHash: keys.writer.hash },
          { name: 'reader', role: 'ADMIN', prefix: keys.reader.prefix, secretHash: keys.reader.hash },
        ],
      },
    },
  });
  replica = await startReplica({ primaryUrl: primary.url, primaryDir, dataDir: `${primaryDir}-replica`, port: await freePort() });
  await replica.caughtUp(database.url);
  replicaPrisma = createPrisma(withDatabase(replica.url, 'parkpass'));
  app = createApp({
    prisma: database.prisma,
    databaseUrl: database.url,
    clock,
    settings: { publicUrl: 'http://localhost:4000', invitationTokenSecret: randomBytes(32).toString('base64url') },
    readReplica: { prisma: replicaPrisma, readYourWritesMs: WINDOW_MS },
  });
});

afterAll(async () => {
  await replicaPrisma?.$disconnect();
  await replica?.stop();
  await database?.close();
  await primary?.stop();
  if (primaryDir) await rm(primaryDir, { recursive: true, force: true });
});

describe('reads from a lagging replica', () => {
  it('answers lists and counts from the replica, and the caller who just wrote from the primary until the window ends', async () => {
    const writer = operationsAs(typedSender(app, keys.writer.secret));
    const reader = operationsAs(typedSender(app, keys.reader.secret));
    await replica.pauseReplay();
    // The mutation goes to the primary (the replica is read-only: it would be refused there).
    expectTypename(await writer.profileCreate({ email: 'lag@replica.parkpass.test', firstName: 'Lag', lastName: 'Behind' }), 'ProfilePayload');
    // Its author sees it at once; another caller's list comes from the replica, which has not replayed it yet.
    expect(await writer.profileTotal()).toBe(1);
    expect(await reader.profileTotal()).toBe(0);
    // Past the window, the author reads from the replica too.
    clock.advance(WINDOW_MS);
    expect(await writer.profileTotal()).toBe(0);
    // The replica catches up: everyone sees it.
    await replica.resumeReplay();
    await replica.caughtUp(database.url);
    expect(await reader.profileTotal()).toBe(1);
    expect(await writer.profileTotal()).toBe(1);
  });

  it('routes only queries of lists, searches and counts to the replica', () => {
    const routed = (query: string, operationName?: string) => readsFromReplica(getOperationAST(parse(query), operationName) ?? null);
    expect(routed('{ profiles(first: 5) { totalCount } profileCounts { total } }')).toBe(true);
    expect(routed('query A { profiles { totalCount } } mutation B { __typename }', 'A')).toBe(true);
    expect(routed('query A { profiles { totalCount } } mutation B { __typename }', 'B')).toBe(false);
    // A single object, the accept page's token read, the viewer: the primary.
    expect(routed('{ profiles { totalCount } profile(id: "x") { id } }')).toBe(false);
    expect(routed('{ invitationByToken(token: "t") { firstName } }')).toBe(false);
    expect(routed('{ ... on Query { profiles { totalCount } } }')).toBe(false);
  });
});
