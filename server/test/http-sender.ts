import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll } from 'vitest';
import type { TestKit } from './kit.ts';
import { documentText, type Send, type TypedResponse } from './operations.ts';

/**
 * The kit's app on a real HTTP port for the test file (127.0.0.1, a free
 * port), and a typed sender per caller: what an integrator's request goes
 * through, Node's HTTP server included, rather than yoga.fetch.
 */
export function useHttpServer(kit: TestKit): { as(token: string): Send } {
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer(kit.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    as:
      (token) =>
      async <Result, Variables>(document: TypedDocumentNode<Result, Variables>, variables: Variables) => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: documentText(document), variables }),
        });
        return (await response.json()) as TypedResponse<Result>;
      },
  };
}
