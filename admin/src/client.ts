import { cacheExchange, Client, fetchExchange, mapExchange } from 'urql';

/**
 * One urql client per session (a new sign-in starts with an empty cache).
 * Requests go to /graphql on the same origin. An UNAUTHENTICATED answer
 * (expired, revoked or unknown session) ends the session with its message.
 */
export function createAdminClient(token: string | null, onUnauthenticated: (message: string) => void): Client {
  return new Client({
    url: '/graphql',
    requestPolicy: 'cache-and-network',
    // Subscriptions (a bulk invitation's progress) over Server-Sent Events, on the same fetch and headers.
    fetchSubscriptions: true,
    // urql sends queries as GET when short: the header tells the server's CSRF
    // check that this is not a cross-site form or image request.
    fetchOptions: (): RequestInit => ({ headers: { 'x-graphql-yoga-csrf': '1', ...(token ? { authorization: `Bearer ${token}` } : {}) } }),
    exchanges: [
      mapExchange({
        onError(error) {
          const unauthenticated = error.graphQLErrors.find((e) => e.extensions?.code === 'UNAUTHENTICATED');
          if (unauthenticated && token) onUnauthenticated(unauthenticated.message);
        },
      }),
      cacheExchange,
      fetchExchange,
    ],
  });
}
