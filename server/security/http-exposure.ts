import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError } from 'graphql';
import type { CORSOptions, GraphiQLOptions, Plugin } from 'graphql-yoga';
import { requestRefusal } from '../kernel/request-refusals.ts';
import { CALL_ID_HEADER } from '../kernel/idempotency-call.ts';

// What the server shows of itself: GraphiQL (with its assets served from here,
// never from a CDN), introspection (request-limits.ts), CORS, CSRF and the
// security headers of every response.
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
    // The SDK names each call (x-parkpass-call-id) so a retry is known as such; a browser app using it must be allowed to send it.
    allowedHeaders: ['authorization', 'content-type', 'x-graphql-yoga-csrf', 'x-request-id', CALL_ID_HEADER],
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

/** A year; not includeSubDomains, which would bind every other host of the customer's domain to https. */
const HSTS = 'max-age=31536000';

/**
 * The headers every response carries, on every route (GraphQL, /admin,
 * /accept, /mailbox, /health, errors): `nosniff`, so a browser never runs a
 * text or JSON answer as a script or page; no framing by any site
 * (`X-Frame-Options: DENY` and CSP `frame-ancestors 'none'`, added to a page's
 * own policy), against clickjacking of the sign-in and accept forms; and HSTS
 * when the public address is https (over http it would be ignored, and it
 * would pin a local server to https).
 */
export function securityHeaders(options: { https: boolean }): Plugin {
  return {
    onResponse({ response }) {
      const headers = response.headers;
      headers.set('x-content-type-options', 'nosniff');
      headers.set('x-frame-options', 'DENY');
      const policy = headers.get('content-security-policy');
      if (!policy) headers.set('content-security-policy', "frame-ancestors 'none'");
      else if (!/frame-ancestors/.test(policy)) headers.set('content-security-policy', `${policy}; frame-ancestors 'none'`);
      if (options.https) headers.set('strict-transport-security', HSTS);
    },
  };
}
