import type { IncomingMessage } from 'node:http';
import { getOperationAST } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { authenticate } from './authenticate.ts';
import type { CredentialCache } from './credential-cache.ts';
import type { Context } from '../graphql/context.ts';
import { type AppSettings, type Clock, requestScope, type ServiceScope, systemClock } from '../kernel/scope.ts';
import type { PrismaClient } from '../database/prisma.ts';
import { handleMailboxRequest } from '../pages/mailbox-page.ts';
import { authorizationOf, handleAdminSessionRequest, SESSION_PATH } from '../pages/admin-session.ts';
import { handlePostmarkWebhook } from '../email/postmark-webhook.ts';
import { maskError, useCodedErrors } from '../graphql/mask-error.ts';
import { handleScimRequest, isScimPath, scimBodyTooLarge } from '../directory-sync/index.ts';
import { healthResponse, Lifecycle, liveResponse, readinessCheck } from './health.ts';
import { requestIdOf, useRequestId } from '../observability/request-id.ts';
import { currentLogContext } from '../observability/log.ts';
import { scimRequests } from '../observability/metrics.ts';
import { useRequestObserver } from '../observability/request-observer.ts';
import { BulkInvitationProgressHub } from '../graphql/bulk-invitation-progress.ts';
import { acceptPageResponse } from '../pages/accept-page.ts';
import { adminUiResponse, isAdminUiPath } from '../pages/admin-ui.ts';
import { playgroundTabs } from '../pages/playground-examples.ts';
import { callIdOf } from '../kernel/idempotency-call.ts';
import { schema } from './schema.ts';
import { corsOptions, csrfPrevention, DEVELOPMENT_EXPOSURE, type ExposureSettings, renderLocalGraphiQL, securityHeaders } from '../security/http-exposure.ts';
import { clientAddressFinder, TRUST_NO_PROXY, type TrustedProxies } from '../security/client-address.ts';
import { chargeRefusedCredential, createRateLimits, type RateLimits } from '../security/rate-limits.ts';
import { useRequestBudget } from './request-budget.ts';
import { ReadRouting } from './read-routing.ts';
import { requestLimitPlugins } from '../security/request-limits.ts';
import { log } from '../observability/log.ts';
import { useTracing } from '../observability/tracing.ts';

export interface AppOptions {
  prisma: PrismaClient;
  /** The same database as `prisma`, without a transaction-mode pooler: one connection LISTENs to bulk invitation progress for this process's subscribers. */
  databaseUrl: string;
  settings: AppSettings;
  clock?: Clock;
  /** Which hops are our own proxies, so the caller's address is the X-Forwarded-For entry before them (server/security/client-address.ts); none by default. */
  trustProxy?: TrustedProxies;
  /** Serve the local mailbox at /mailbox (only when emails go there, not to Postmark). */
  mailbox?: boolean;
  /** Accept Postmark's delivery webhooks at /webhooks/postmark with this basic-auth password. */
  postmarkWebhookPassword?: string;
  /** GraphiQL, introspection, CORS (server/security/http-exposure.ts); development's by default. */
  exposure?: ExposureSettings;
  /** Budgets and their counters (server/security/rate-limits.ts); by default the default budgets, counted in memory. */
  rateLimits?: RateLimits;
  /** Webhook endpoints may be on loopback, private or link-local addresses (never by default; production refuses them). */
  webhookPrivateAddresses?: boolean;
  /** A read replica for the read path (lists, searches, counts), and how long a caller reads from the primary after its own mutation (server/app/read-routing.ts). */
  readReplica?: { prisma: PrismaClient; readYourWritesMs: number };
  /** Set `draining` at shutdown: /health/ready then answers 503. */
  lifecycle?: Lifecycle;
  /** Callers authenticated in the last half second, cleared on every server by NOTIFY (server/app/credential-cache.ts); none by default: every request reads its credential. */
  credentialCache?: CredentialCache;
}

/** The Node HTTP request, when served by node:http (absent under yoga.fetch). */
interface ServerContext {
  req?: IncomingMessage;
}

/**
 * The HTTP application, no listen here: GraphQL at /graphql (GraphiQL in a
 * browser, subscriptions over SSE), the accept page at /accept, Postmark's
 * webhooks at /webhooks/postmark, the local mailbox at /mailbox, directory sync (SCIM 2.0) at /scim/v2, /health.
 */
export function createApp(options: AppOptions) {
  const clock = options.clock ?? systemClock;
  const exposure = options.exposure ?? DEVELOPMENT_EXPOSURE;
  const rateLimits = options.rateLimits ?? createRateLimits();
  // Served over https (behind its proxy): cookies are Secure and responses carry HSTS.
  const secureCookie = options.settings.publicUrl.startsWith('https:');
  const findClientAddress = clientAddressFinder(options.trustProxy ?? TRUST_NO_PROXY);
  const clientAddress = (request: Request, req: IncomingMessage | undefined) =>
    findClientAddress(req?.socket.remoteAddress, request.headers.get('x-forwarded-for'));
  const progress = new BulkInvitationProgressHub(options.databaseUrl, options.prisma);
  // What every service gets from this process; each request adds its caller (server/kernel/scope.ts).
  const service: ServiceScope = { prisma: options.prisma, clock, settings: options.settings };
  const reads = options.readReplica ? new ReadRouting(options.prisma, options.readReplica.prisma, clock, options.readReplica.readYourWritesMs) : null;
  const lifecycle = options.lifecycle ?? new Lifecycle();
  const readyResponse = readinessCheck(options.prisma, options.databaseUrl, lifecycle);
  lifecycle.whenDraining(() => progress.endAll());
  return createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // yoga's own check (an empty 200, the process is up) moves aside for /health, which also pings the database.
    // yoga's own check moves aside: /health, /health/live and /health/ready are answered below.
    healthCheckEndpoint: '/health/yoga',
    // Every error gets a message and a documented code; unexpected ones are masked everywhere (server/graphql/mask-error.ts).
    maskedErrors: { maskError },
    cors: corsOptions(exposure.corsOrigins),
    graphiql: exposure.graphiql && {
      title: 'Parkpass API',
      headers: JSON.stringify({ Authorization: 'Bearer <your API key>' }),
      defaultTabs: playgroundTabs(),
    },
    renderGraphiQL: renderLocalGraphiQL,
    context: async ({ request, req, params }): Promise<Context> => {
      const address = clientAddress(request, req);
      const viewer = await chargeRefusedCredential(rateLimits, address, () =>
        authenticate(options.prisma, clock, authorizationOf(request), options.credentialCache),
      );
      // A read-path query may be answered from the replica; everything else, and a caller's reads right after its writes, from the primary.
      const prisma = reads ? reads.clientFor(viewer, params) : options.prisma;
      const requestService = prisma === options.prisma ? service : { ...service, prisma };
      const logContext = currentLogContext();
      if (logContext && viewer) logContext.organizationId = viewer.organizationId;
      return {
        ...requestService,
        viewer,
        scope: viewer ? requestScope(requestService, viewer, callIdOf(request.headers)) : null,
        clientAddress: address,
        signal: request.signal,
        progress,
        webhookPrivateAddresses: options.webhookPrivateAddresses ?? false,
      };
    },
    plugins: [
      useTracing(),
      useRequestObserver(),
      securityHeaders({ https: secureCookie }),
      useRequestId(),
      {
        // While draining, each answer closes its connection: keep-alive clients reconnect to another server.
        onResponse({ response }) {
          if (!lifecycle.draining) return;
          try {
            response.headers.set('connection', 'close');
          } catch {
            // A response whose headers are sealed: Node's server closes the connection at the end anyway.
          }
        },
      },
      useCodedErrors(),
      // @defer and @stream: a deferred part comes as the next part of a multipart/mixed (or SSE) answer, under the
      // same cost, budget and masking as the rest (docs/api.md, "Deferred parts").
      useDeferStream(),
      // A SCIM body over the limit gets a SCIM error (the IdP reads that), not the GraphQL one of the next plugin.
      {
        onRequest({ request, url, endResponse }) {
          const refusal = scimBodyTooLarge(request, url);
          if (refusal) endResponse(refusal);
        },
      },
      ...requestLimitPlugins({ introspection: exposure.introspection }),
      csrfPrevention(),
      useRequestBudget(rateLimits),
      ...(options.credentialCache ? [clearCredentialsAfterWrites(options.credentialCache)] : []),
      {
        async onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
          const path = url.pathname;
          // Every route answers a short text on failure; the detail goes to the server's log only.
          try {
            if (path === '/health') endResponse(await healthResponse(options.prisma));
            else if (path === '/health/live') endResponse(liveResponse());
            else if (path === '/health/ready') endResponse(await readyResponse());
            else if (path === '/' && request.method === 'GET') {
              endResponse(new fetchAPI.Response(null, { status: 302, headers: { location: '/graphql' } }));
            } else if (path === '/accept') {
              endResponse(request.method === 'GET' ? acceptPageResponse(url, request) : new fetchAPI.Response('Method not allowed', { status: 405 }));
            } else if (isAdminUiPath(path)) endResponse(await adminUiResponse(url, request.method));
            else if (path === SESSION_PATH) {
              const address = clientAddress(request, (serverContext as ServerContext).req);
              endResponse(
                await handleAdminSessionRequest(request, {
                  ...service,
                  address,
                  secureCookie,
                  chargeSignIn: (key) => rateLimits.tryPublicOperation(key, 'adminLogin'),
                }),
              );
            } else if (isScimPath(path)) {
              const address = clientAddress(request, (serverContext as ServerContext).req);
              const answer = await handleScimRequest(request, url, {
                ...service,
                rateLimits,
                address,
                requestId: requestIdOf(request),
                credentialCache: options.credentialCache,
              });
              scimRequests.inc({ method: request.method, status: `${String(answer.status)[0]}xx` });
              endResponse(answer);
            } else if (path === '/webhooks/postmark' && options.postmarkWebhookPassword) {
              endResponse(await handlePostmarkWebhook(request, { prisma: options.prisma, clock, password: options.postmarkWebhookPassword }));
            } else if ((path === '/mailbox' || path.startsWith('/mailbox/')) && options.mailbox) {
              const address = clientAddress(request, (serverContext as ServerContext).req);
              endResponse(
                await handleMailboxRequest(request, url, {
                  prisma: options.prisma,
                  clock,
                  address,
                  secureCookie,
                  chargeSignIn: () => rateLimits.tryPublicOperation(address, 'adminLogin'),
                }),
              );
            }
          } catch (error) {
            log.error({ err: error }, `${request.method} ${path} failed`);
            endResponse(new fetchAPI.Response('Internal error', { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' } }));
          }
        },
      },
    ],
  });
}

export type App = ReturnType<typeof createApp>;

/**
 * A request that may have written (anything but a GET or a GraphQL query: a mutation, a sign-out at
 * /admin/session…; not a SCIM request) clears this server's credential cache before its answer leaves, so a revocation
 * made here counts on the caller's very next request here; other servers hear of it through NOTIFY.
 */
function clearCredentialsAfterWrites(cache: CredentialCache): Plugin {
  const reads = new WeakSet<Request>();
  return {
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      if (request && getOperationAST(args.document, args.operationName)?.operation === 'query') reads.add(request);
    },
    onResponse({ request }) {
      // SCIM writes (users, groups) change no credential; the one connection change they may make clears it themselves.
      if (request.method !== 'GET' && !reads.has(request) && !isScimPath(new URL(request.url).pathname)) cache.clear();
    },
  };
}
