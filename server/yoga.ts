import type { IncomingMessage } from 'node:http';
import { createYoga } from 'graphql-yoga';
import { authenticate } from './auth/authenticate.ts';
import { type AppSettings, type Clock, type Context, systemClock } from './context.ts';
import type { PrismaClient } from './database/prisma.ts';
import { handleMailboxRequest } from './email/mailbox-page.ts';
import { handlePostmarkWebhook } from './email/postmark-webhook.ts';
import { maskError } from './errors/mask-error.ts';
import { healthResponse } from './health.ts';
import { acceptPageResponse } from './pages/accept-page.ts';
import { playgroundTabs } from './pages/playground-examples.ts';
import { schema } from './schema.ts';

export interface AppOptions {
  prisma: PrismaClient;
  settings: AppSettings;
  clock?: Clock;
  /** Take the caller's address from X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy?: boolean;
  /** Serve the local mailbox at /mailbox (only when emails go there, not to Postmark). */
  mailbox?: boolean;
  /** Accept Postmark's delivery webhooks at /webhooks/postmark with this basic-auth password. */
  postmarkWebhookPassword?: string;
}

/** The Node HTTP request, when served by node:http (absent under yoga.fetch). */
interface ServerContext {
  req?: IncomingMessage;
}

/**
 * The HTTP application, no listen here: GraphQL at /graphql (GraphiQL in a
 * browser, subscriptions over SSE), the accept page at /accept, Postmark's
 * webhooks at /webhooks/postmark, the local mailbox at /mailbox, /health.
 */
export function createApp(options: AppOptions) {
  const clock = options.clock ?? systemClock;
  return createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // yoga's own check (an empty 200, the process is up) moves aside for /health, which also pings the database.
    healthCheckEndpoint: '/health/live',
    // Every error gets a message and a documented code; unexpected ones are masked everywhere (server/errors/mask-error.ts).
    maskedErrors: { maskError },
    graphiql: {
      title: 'Parkpass API',
      headers: JSON.stringify({ Authorization: 'Bearer <your API key>' }),
      defaultTabs: playgroundTabs(),
    },
    context: async ({ request, req }): Promise<Context> => ({
      prisma: options.prisma,
      clock,
      settings: options.settings,
      viewer: await authenticate(options.prisma, clock, request.headers.get('authorization')),
      clientAddress: clientAddress(request, req, options.trustProxy ?? false),
    }),
    plugins: [
      {
        async onRequest({ request, url, endResponse, fetchAPI }) {
          const path = url.pathname;
          if (path === '/health') endResponse(await healthResponse(options.prisma));
          else if (path === '/' && request.method === 'GET') {
            endResponse(new fetchAPI.Response(null, { status: 302, headers: { location: '/graphql' } }));
          } else if (path === '/accept' && request.method === 'GET') endResponse(acceptPageResponse());
          else if (path === '/webhooks/postmark' && options.postmarkWebhookPassword) {
            endResponse(await handlePostmarkWebhook(request, { prisma: options.prisma, clock, password: options.postmarkWebhookPassword }));
          } else if ((path === '/mailbox' || path.startsWith('/mailbox/')) && options.mailbox && request.method === 'GET') {
            endResponse(await handleMailboxRequest(url, options.prisma));
          }
        },
      },
    ],
  });
}

export type App = ReturnType<typeof createApp>;

function clientAddress(request: Request, req: IncomingMessage | undefined, trustProxy: boolean): string {
  const forwarded = trustProxy ? request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() : undefined;
  return forwarded || req?.socket.remoteAddress || 'unknown';
}
