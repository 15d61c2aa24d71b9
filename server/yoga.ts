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
}

/** The HTTP application: GraphQL at /graphql (GraphiQL in a browser), /health. No listen here. */
export function createApp(options: AppOptions) {
  const clock = options.clock ?? systemClock;
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    maskedErrors: !options.exposeErrors,
    graphiql: {
      title: 'Parkpass API',
      headers: JSON.stringify({ Authorization: 'Bearer <your API key>' }),
    },
    context: async ({ request }): Promise<Context> => ({
      prisma: options.prisma,
      clock,
      viewer: await authenticate(options.prisma, clock, request.headers.get('authorization')),
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
