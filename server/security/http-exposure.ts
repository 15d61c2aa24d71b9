import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError } from 'graphql';
import type { CORSOptions, GraphiQLOptions, Plugin } from 'graphql-yoga';
import { requestRefusal } from './request-refusals.ts';

// What the server shows of itself: GraphiQL (with its assets served from here,
// never from a CDN), introspection (request-limits.ts), CORS and CSRF.
// Production turns GraphiQL and introspection off unless settings enable them.

export interface ExposureSettings {
  /** Answer introspection queries (and "Did you mean …" suggestions). Off in production unless enabled. */
  introspection: boolean;
  /** Serve the GraphiQL playground at /graphql to browsers. Off in production unless enabled; needs introspection. */
  graphiql: boolean;
  /** Origins allowed to call /graphql from a browser (CORS); none: same origin only. */
  corsOrigins: string[];
}

export const DEVELOPMENT_EXPOSURE: ExposureSettings = { introspection: true, graphiql: true, corsOrigins: [] };

/** CORS from the allowlist: other origins get no CORS headers, so browsers keep their answers from the page. No cookies cross (credentials: false). */
export function corsOptions(origins: string[]): CORSOptions | false {
  if (!origins.length) return false;
  return {
    origin: origins,
    credentials: false,
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'x-graphql-yoga-csrf', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'retry-after'],
    maxAge: 600,
  };
}

/**
 * GraphiQL's page with its JavaScript and CSS inlined from
 * @graphql-yoga/render-graphiql (9 MB, loaded on the first page view only),
 * so it works offline and under a CSP without a CDN.
 */
export async function renderLocalGraphiQL(options: GraphiQLOptions): Promise<string> {
  const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
  return renderGraphiQL(options);
}

/**
 * Yoga's CSRF prevention: a GraphQL request a browser could send from another
 * site without a preflight (a GET, a form or text/plain POST) must carry the
 * x-graphql-yoga-csrf header. Its refusal gets our code.
 */
export function csrfPrevention(): Plugin {
  const yogaCsrf = useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf'] });
  return {
    onRequestParse(payload) {
      try {
        return yogaCsrf.onRequestParse!(payload);
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        throw requestRefusal(
          'CSRF_HEADER_MISSING',
          'This request could come from any web page: send it as application/json, or add the x-graphql-yoga-csrf header.',
        );
      }
    },
  };
}
