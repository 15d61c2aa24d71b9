import { cacheExchange, Client, fetchExchange, mapExchange } from 'urql';
import { CSRF_HEADERS } from './session.tsx';

/**
 * One urql client per session (a new sign-in starts with an empty cache).
 * Requests go to /graphql on the same origin, signed in by the session cookie
 * (src/session.tsx). An UNAUTHENTICATED answer (expired, revoked or unknown
 * session) ends the session with its message.
 */
export function createAdminClient(signedIn: boolean, onUnauthenticated: (message: string) => void): Client {
  return new Client({
    url: '/graphql',
    requestPolicy: 'cache-and-network',
    // Subscriptions (a bulk invitation's progress) over Server-Sent Events, on the same fetch and headers.
    fetchSubscriptions: true,
    // The header tells the server's CSRF check that this comes from the UI's
    // own script, not a cross-site form, image or page: the server refuses a
    // cookie-authenticated request without it.
    fetchOptions: (): RequestInit => ({ credentials: 'same-origin', headers: { ...CSRF_HEADERS } }),
    exchanges: [
      mapExchange({
        onError(error) {
          const unauthenticated = error.graphQLErrors.find((e) => e.extensions?.code === 'UNAUTHENTICATED');
          if (unauthenticated && signedIn) onUnauthenticated(unauthenticated.message);
        },
      }),
      cacheExchange,
      fetchExchange,
    ],
  });
}
