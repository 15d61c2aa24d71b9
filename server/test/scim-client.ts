import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { createDirectoryConnection, updateDirectoryConnection } from '../directory-sync/connection-service.ts';
import type { DirectoryInvitePolicy } from '../generated/prisma/enums.ts';
import { requestScope } from '../kernel/scope.ts';
import type { TestKit, TestOrganization } from './kit.ts';

// SCIM over real HTTP: the kit's app behind node:http on an ephemeral port of
// 127.0.0.1, and a client that sends what an IdP sends with a connection's token.

export interface ScimResponse {
  status: number;
  contentType: string | null;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: a SCIM body is whatever the server answered; tests read it as the IdP would.
  body: any;
}

export interface ScimClient {
  connectionId: string;
  token: string;
  send(method: string, path: string, body?: unknown, options?: { raw?: string; headers?: Record<string, string> }): Promise<ScimResponse>;
  get(path: string): Promise<ScimResponse>;
  post(path: string, body: unknown): Promise<ScimResponse>;
  put(path: string, body: unknown): Promise<ScimResponse>;
  patch(path: string, body: unknown): Promise<ScimResponse>;
  delete(path: string): Promise<ScimResponse>;
}

/** The kit's app served over HTTP for the file; `url()` is its base. */
export function useScimServer(kit: TestKit) {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer(kit.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: () => base };
}

export async function sendScim(
  base: string,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
  options: { raw?: string; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${base}/scim/v2${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined || options.raw !== undefined ? { 'content-type': 'application/scim+json' } : {}),
      ...options.headers,
    },
    body: options.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: response.status, contentType: response.headers.get('content-type'), headers: response.headers, body: parsed } as ScimResponse;
}

/** A directory connection of `org` (made through the service, as its owner), and a client with its token. */
export async function connectDirectory(
  kit: TestKit,
  server: { url: () => string },
  org: TestOrganization,
  options: { invitePolicy?: DirectoryInvitePolicy; goLiveAt?: Date; name?: string } = {},
): Promise<ScimClient> {
  const scope = requestScope(
    { prisma: kit.prisma, clock: kit.clock, settings: kit.worker.settings },
    { organizationId: org.id, plan: 'ENTERPRISE', role: 'OWNER', actor: { kind: 'ADMIN', id: org.adminId } },
  );
  const { connection, secret } = await createDirectoryConnection(scope, { name: options.name ?? 'Entra ID' });
  if (options.invitePolicy) await updateDirectoryConnection(scope, connection.id, { invitePolicy: options.invitePolicy, goLiveAt: options.goLiveAt });
  const send = (method: string, path: string, body?: unknown, sendOptions?: { raw?: string; headers?: Record<string, string> }) =>
    sendScim(server.url(), secret, method, path, body, sendOptions);
  return {
    connectionId: connection.id,
    token: secret,
    send,
    get: (path) => send('GET', path),
    post: (path, body) => send('POST', path, body),
    put: (path, body) => send('PUT', path, body),
    patch: (path, body) => send('PATCH', path, body),
    delete: (path) => send('DELETE', path),
  };
}

export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

export const patchOf = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
