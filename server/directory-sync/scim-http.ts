import { planIncludes } from '../kernel/policy.ts';
import type { PrismaClient } from '../database/prisma.ts';
import type { RateLimits } from '../security/rate-limits.ts';
import type { AppSettings, Clock } from '../kernel/scope.ts';
import { connectionOfToken, goLiveIfDue, scimBaseUrl, type TokenCache } from './connection-service.ts';
import type { DirectoryScope } from './directory-scope.ts';
import { logRequest } from './request-log.ts';
import { resourceTypes, schemas, serviceProviderConfig } from './scim-discovery.ts';
import { invalidSyntax, ScimError, scimErrorResponse, scimJson } from './scim-errors.ts';
import { paging, projected } from './scim-filter.ts';
import { createGroup, deleteGroup, getGroup, listGroups, patchGroup, replaceGroup } from './scim-group-service.ts';
import { MAX_BODY_BYTES, MAX_PAGE_SIZE, RATE_LIMIT_POINTS_AHEAD } from './scim-limits.ts';
import { LIST_SCHEMA, type ScimObject } from './scim-user.ts';
import { asScimError, createUser, deleteUser, getUser, listUsers, patchUser, replaceUser } from './scim-user-service.ts';
import { isDatabaseBusy } from '../database/connections.ts';
import { currentLogContext, log } from '../observability/log.ts';

// /scim/v2: the SCIM 2.0 service provider (RFC 7643/7644) that Entra ID and
// Okta provision into. Each request: the connection's bearer token (it names
// one connection of one organization: every read and write is confined to
// it), the plan's DIRECTORY_SYNC feature, the caller's rate limit (its own
// budget, as an API key has), a bounded body, then the route. Every answer is
// application/scim+json; every refusal a SCIM error with its scimType; a
// database that is busy or out of reach a 503 with Retry-After (nothing was
// written); an unexpected failure a 500 whose detail stays in the server's log.

export interface ScimDependencies {
  prisma: PrismaClient;
  clock: Clock;
  settings: AppSettings;
  rateLimits: RateLimits;
  /** The caller's network address (rate limits of refused tokens). */
  address: string;
  requestId: string;
  /** This server's credential cache (server/app/credential-cache.ts), which also keeps the connections of SCIM tokens. */
  credentialCache?: TokenCache;
}

export const SCIM_PATH = '/scim/v2';

export const isScimPath = (path: string) => path === SCIM_PATH || path.startsWith(`${SCIM_PATH}/`);

export async function handleScimRequest(request: Request, url: URL, deps: ScimDependencies): Promise<Response> {
  const started = performance.now();
  const route = url.pathname.slice(SCIM_PATH.length).replace(/\/+$/, '') || '/';
  const resource = decodeURIComponentSafe(`${route}${url.search}`);
  let logged: { organizationId: string; connectionId: string } | null = null;
  let scope: DirectoryScope | null = null;
  let response: Response;
  let failure: ScimError | null = null;
  try {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '')?.[1];
    const connection = token ? await connectionOfToken(deps.prisma, token, deps.clock.now(), deps.credentialCache) : null;
    if (!connection) {
      await charge(deps, null);
      throw new ScimError(401, 'The bearer token is missing, or names no directory connection (deleted, or replaced by a rotation).', undefined, {
        'www-authenticate': 'Bearer realm="Parkpass SCIM"',
      });
    }
    logged = { organizationId: connection.organizationId, connectionId: connection.id };
    const logContext = currentLogContext();
    if (logContext) logContext.organizationId = connection.organizationId;
    if (!planIncludes(connection.organization.plan, 'DIRECTORY_SYNC')) {
      throw new ScimError(403, `The ${connection.organization.plan} plan does not include directory sync; the ENTERPRISE plan does.`);
    }
    await charge(deps, connection.id);
    const baseUrl = scimBaseUrl(deps.settings.publicUrl);
    scope = {
      prisma: deps.prisma,
      organizationId: connection.organizationId,
      actor: { kind: 'PARKPASS' },
      now: deps.clock.now(),
      settings: deps.settings,
      connection,
      baseUrl,
      changes: [],
      request: { method: request.method, resource, started },
    };
    const active = scope;
    if (connection.invitePolicy === 'ON_GO_LIVE_DATE' && connection.goLiveAt && connection.goLiveAt <= active.now && !connection.wentLiveAt) {
      await deps.prisma.$transaction((tx) => goLiveIfDue(tx, active), { timeout: 120_000 });
      // The connection cached here has just changed (went live): read it again on the next request.
      deps.credentialCache?.clear();
    }
    response = await route_(request, url, route, active);
  } catch (error) {
    const scimError = asScimError(error);
    if (scimError instanceof ScimError) {
      failure = scimError;
    } else if (isDatabaseBusy(error)) {
      // Rolled back whole (a lost connection, a deadlock's loser, no connection free): the IdP sends it again.
      log.warn({ err: error }, `${request.method} ${url.pathname}: database busy or out of reach, answered 503`);
      failure = new ScimError(503, 'The service is busy; nothing was written. Send the request again in a moment.', undefined, { 'Retry-After': '1' });
    } else {
      log.error({ err: error }, `${request.method} ${url.pathname} failed`);
      failure = new ScimError(500, 'Internal error; the request can be sent again.');
    }
    response = scimErrorResponse(failure);
  }
  // Stored already by the request's own statement, unless the answer is not what that statement stored (a failure after it).
  if (logged && scope?.request?.stored !== response.status) {
    await logRequest(deps.prisma, {
      ...logged,
      occurredAt: scope?.now ?? deps.clock.now(),
      method: request.method,
      resource,
      status: response.status,
      summary: scope?.changes.join('; ') ?? '',
      error: failure ? `${failure.scimType ? `${failure.scimType}: ` : ''}${failure.detail}` : null,
      durationMs: Math.round(performance.now() - started),
    }).catch((error: unknown) => log.error({ err: error }, 'the SCIM request log failed'));
  }
  return response;
}

const decodeURIComponentSafe = (text: string) => {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
};

/** One point of the connection's own budget (an anonymous point of the address for a refused token); 429 when spent. */
async function charge(deps: ScimDependencies, connectionId: string | null): Promise<void> {
  try {
    const viewer = connectionId
      ? {
          organizationId: '',
          plan: 'ENTERPRISE' as const,
          role: 'ADMIN' as const,
          actor: { kind: 'API_KEY' as const, id: `directory-connection:${connectionId}` },
        }
      : null;
    // The connection's own budget is charged ahead (its next requests here need no statement); a refused token's address is not.
    await deps.rateLimits.charge({ viewer, address: deps.address }, 1, new Map(), { ahead: viewer ? RATE_LIMIT_POINTS_AHEAD : 0 });
  } catch (error) {
    if (error instanceof Error && (error as { extensions?: { code?: unknown } }).extensions?.code === 'RATE_LIMITED') {
      const retryAfter = String((error as { extensions?: { retryAfterSeconds?: number } }).extensions?.retryAfterSeconds ?? 60);
      throw new ScimError(429, 'Too many requests for this connection; retry after the Retry-After delay.', undefined, { 'retry-after': retryAfter });
    }
    throw error;
  }
}

async function route_(request: Request, url: URL, route: string, scope: DirectoryScope): Promise<Response> {
  const method = request.method.toUpperCase();
  const [, collection, id, extra] = route.split('/');
  const list = (result: { totalResults: number; resources: ScimObject[] }, skip: number) =>
    scimJson(200, {
      schemas: [LIST_SCHEMA],
      totalResults: result.totalResults,
      startIndex: skip + 1,
      itemsPerPage: result.resources.length,
      Resources: result.resources.map((resource) => projected(resource, url)),
    });
  const one = (status: number, resource: ScimObject) =>
    scimJson(status, projected(resource, url), status === 201 ? { location: (resource.meta as { location: string }).location } : {});
  if (extra !== undefined) throw new ScimError(404, `No SCIM endpoint at ${route}.`);
  switch (collection) {
    case 'ServiceProviderConfig':
      allow(method, ['GET']);
      return scimJson(200, serviceProviderConfig(scope.baseUrl));
    case 'Schemas': {
      allow(method, ['GET']);
      const all = schemas(scope.baseUrl);
      if (id) {
        const schema = all.find((candidate) => candidate.id === decodeURIComponentSafe(id));
        if (!schema) throw new ScimError(404, `No schema ${id}.`);
        return scimJson(200, schema);
      }
      return scimJson(200, { schemas: [LIST_SCHEMA], totalResults: all.length, startIndex: 1, itemsPerPage: all.length, Resources: all });
    }
    case 'ResourceTypes': {
      allow(method, ['GET']);
      const all = resourceTypes(scope.baseUrl);
      if (id) {
        const type = all.find((candidate) => candidate.id === id);
        if (!type) throw new ScimError(404, `No resource type ${id}.`);
        return scimJson(200, type);
      }
      return scimJson(200, { schemas: [LIST_SCHEMA], totalResults: all.length, startIndex: 1, itemsPerPage: all.length, Resources: all });
    }
    case 'Users':
      if (!id) {
        allow(method, ['GET', 'POST']);
        if (method === 'POST') return one(201, await createUser(scope, await bodyOf(request)));
        const page = paging(url, MAX_PAGE_SIZE);
        return list(await listUsers(scope, url.searchParams.get('filter'), page), page.skip);
      }
      allow(method, ['GET', 'PUT', 'PATCH', 'DELETE']);
      if (method === 'GET') return one(200, await getUser(scope, id));
      if (method === 'PUT') return one(200, await replaceUser(scope, id, await bodyOf(request)));
      if (method === 'PATCH') return one(200, await patchUser(scope, id, await bodyOf(request)));
      await deleteUser(scope, id);
      return scimJson(204, null);
    case 'Groups':
      if (!id) {
        allow(method, ['GET', 'POST']);
        if (method === 'POST') return one(201, await createGroup(scope, await bodyOf(request), url));
        const page = paging(url, MAX_PAGE_SIZE);
        return list(await listGroups(scope, url.searchParams.get('filter'), page, url), page.skip);
      }
      allow(method, ['GET', 'PUT', 'PATCH', 'DELETE']);
      if (method === 'GET') return one(200, await getGroup(scope, id, url));
      if (method === 'PUT') return one(200, await replaceGroup(scope, id, await bodyOf(request), url));
      if (method === 'PATCH') {
        await patchGroup(scope, id, await bodyOf(request));
        return scimJson(204, null);
      }
      await deleteGroup(scope, id);
      return scimJson(204, null);
    case 'Bulk':
      throw new ScimError(501, 'Bulk operations are not supported (see ServiceProviderConfig).');
    default:
      throw new ScimError(404, `No SCIM endpoint at ${route}.`);
  }
}

function allow(method: string, methods: string[]): void {
  if (!methods.includes(method))
    throw new ScimError(405, `${method} is not allowed here; use ${methods.join(', ')}.`, undefined, { allow: methods.join(', ') });
}

/** The request's JSON object, read to at most MAX_BODY_BYTES (413 beyond), else a 400 invalidSyntax. */
async function bodyOf(request: Request): Promise<ScimObject> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  let text = '';
  if (request.body) {
    const reader = request.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
    text = Buffer.concat(chunks).toString('utf8');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalidSyntax('The body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidSyntax('The body must be a JSON object.');
  return body as ScimObject;
}

/**
 * A SCIM request whose Content-Length is over the limit: its SCIM 413, answered before the GraphQL server's own body
 * limit (whose refusal is a GraphQL body) and before the body is read; the connection is closed behind it. Null otherwise.
 */
export function scimBodyTooLarge(request: Request, url: URL): Response | null {
  if (!isScimPath(url.pathname) || !(Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES)) return null;
  const error = tooLarge();
  return scimErrorResponse(new ScimError(error.status, error.detail, undefined, { connection: 'close' }));
}

const tooLarge = () => new ScimError(413, `The body is larger than ${MAX_BODY_BYTES} bytes (1 MiB).`);
