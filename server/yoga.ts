import type { IncomingMessage } from 'node:http';
import { createYoga } from 'graphql-yoga';
import { authenticate } from './auth/authenticate.ts';
import { type Clock, type Context, systemClock } from './context.ts';
import type { PrismaClient } from './database/prisma.ts';
import { schema } from './schema.ts';

export interface AppOptions {
  prisma: PrismaClient;
  clock?: Clock;
  /** Show unexpected errors' messages (development only). */
  exposeErrors?: boolean;
  /** Take the caller's address from X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy?: boolean;
}

/** The Node HTTP request, when served by node:http (absent under yoga.fetch). */
interface ServerContext {
  req?: IncomingMessage;
}

/** The HTTP application: GraphQL at /graphql (GraphiQL in a browser), /health. No listen here. */
export function createApp(options: AppOptions) {
  const clock = options.clock ?? systemClock;
  return createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    maskedErrors: !options.exposeErrors,
    graphiql: {
      title: 'Parkpass API',
      headers: JSON.stringify({ Authorization: 'Bearer <your API key>' }),
    },
    context: async ({ request, req }): Promise<Context> => ({
      prisma: options.prisma,
      clock,
      viewer: await authenticate(options.prisma, clock, request.headers.get('authorization')),
      clientAddress: clientAddress(request, req, options.trustProxy ?? false),
    }),
    plugins: [
      {
        onRequest({ request, url, endResponse, fetchAPI }) {
          if (url.pathname === '/health') endResponse(new fetchAPI.Response('ok'));
          else if (url.pathname === '/' && request.method === 'GET') {
            endResponse(new fetchAPI.Response(null, { status: 302, headers: { location: '/graphql' } }));
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
