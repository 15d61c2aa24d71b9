import { describe, expect } from 'vitest';
import { kitTest, useTestKit } from '../test/kit.ts';
import { connectDirectory, useScimServer } from '../test/scim-client.ts';
import { logRequest } from './request-log.ts';

// The request log is written in batches: entries written while an earlier
// batch is being stored are stored together, in one statement, and each
// writer's promise resolves once its own entry is stored.

const kit = useTestKit();
const server = useScimServer(kit);
const it = kitTest(kit);

const entry = (organizationId: string, connectionId: string, i: number) => ({
  organizationId,
  connectionId,
  occurredAt: new Date(kit.clock.now().getTime() + i),
  method: 'GET',
  resource: `/Users?n=${i}`,
  status: 200,
  summary: '',
  error: null,
  durationMs: i,
});

const inserts = () => kit.statements.filter((sql) => sql.includes('INSERT INTO directory_request')).length;

describe('the SCIM request log', () => {
  it('stores entries written together in fewer statements than entries, all of them, in order', async ({ org }) => {
    const scim = await connectDirectory(kit, server, org);
    kit.resetStatements();
    await Promise.all(Array.from({ length: 8 }, (_, i) => logRequest(kit.prisma, entry(org.id, scim.connectionId, i))));
    // The first is stored alone; the seven written while it was being stored, together.
    expect(inserts()).toBe(2);
    const stored = await kit.prisma.directoryRequest.findMany({ where: { connectionId: scim.connectionId }, orderBy: { id: 'asc' } });
    expect(stored.map((request) => request.resource)).toEqual(Array.from({ length: 8 }, (_, i) => `/Users?n=${i}`));
    // Kept to the minute: the first entry's time.
    expect((await kit.prisma.directoryConnection.findUniqueOrThrow({ where: { id: scim.connectionId } })).lastRequestAt).toEqual(kit.clock.now());
  });

  it("an entry of a connection deleted meanwhile is dropped; the batch's others are stored", async ({ org }) => {
    const kept = await connectDirectory(kit, server, org, { name: 'Okta' });
    const gone = await connectDirectory(kit, server, org, { name: 'Entra ID' });
    await kit.prisma.directoryConnection.delete({ where: { id: gone.connectionId } });
    const written = await Promise.allSettled([
      logRequest(kit.prisma, entry(org.id, kept.connectionId, 0)),
      logRequest(kit.prisma, entry(org.id, gone.connectionId, 1)),
      logRequest(kit.prisma, entry(org.id, kept.connectionId, 2)),
    ]);
    expect(written.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const stored = await kit.prisma.directoryRequest.findMany({ where: { organizationId: org.id }, orderBy: { id: 'asc' } });
    expect(stored.map((request) => [request.connectionId, request.resource])).toEqual([
      [kept.connectionId, '/Users?n=0'],
      [kept.connectionId, '/Users?n=2'],
    ]);
  });
});
