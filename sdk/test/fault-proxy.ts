import { createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';

// A proxy in front of the real server that answers the next requests with
// scripted faults (then forwards again), and records when each request came.

export type Fault =
  | 'forward'
  | 'status503RetryAfter'
  | 'lostAnswer'
  | 'status503'
  | 'masked500'
  | 'masked200'
  | 'notFound404'
  | 'rateLimited'
  | 'hang'
  | 'reset'
  | 'runningBulk';

const MASKED = JSON.stringify({ errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });

export async function startFaultProxy(target: string) {
  const queue: Fault[] = [];
  let arrivals: number[] = [];
  const server = createServer((req, res) => {
    arrivals.push(Date.now());
    const fault = queue.shift();
    const json = (status: number, body: string, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
    switch (fault) {
      case 'status503RetryAfter':
        return res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('down for a second');
      case 'lostAnswer': {
        // The server does the work; its answer never reaches the client.
        const upstream = forward(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
          answer.resume();
          answer.on('end', () => req.socket.destroy());
        });
        upstream.on('error', () => res.destroy());
        req.pipe(upstream);
        return;
      }
      case 'status503':
        return res.writeHead(503, { 'content-type': 'text/plain' }).end('upstream down');
      case 'masked500':
        return json(500, MASKED);
      case 'masked200':
        return json(200, JSON.stringify({ data: null, ...JSON.parse(MASKED) }));
      case 'notFound404':
        return res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
      case 'rateLimited':
        return json(429, JSON.stringify({ errors: [{ message: 'Rate limited.', extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 1 } }] }), {
          'retry-after': '1',
        });
      case 'hang':
        return; // never answers; the client's timeout or signal ends it
      case 'reset':
        return req.socket.destroy();
      case 'runningBulk':
        return json(
          200,
          JSON.stringify({
            data: {
              __typename: 'Query',
              bulkInvitation: {
                __typename: 'BulkInvitation',
                id: 'x',
                state: 'RUNNING',
                total: 10,
                done: 1,
                invitedCount: 1,
                reinvitedCount: 0,
                failedCount: 0,
                skipped: [],
                idempotencyKey: null,
                createdAt: new Date().toISOString(),
                startedAt: null,
                finishedAt: null,
                failureReason: null,
              },
            },
          }),
        );
      default: {
        const upstream = forward(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        upstream.on('error', () => res.destroy());
        req.pipe(upstream);
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    /** The next requests get these faults, in order; the arrivals are counted afresh. */
    script(...faults: Fault[]) {
      queue.splice(0, queue.length, ...faults);
      arrivals = [];
    },
    arrivals: () => [...arrivals],
    /** Milliseconds between consecutive arrivals. */
    gaps: () => arrivals.slice(1).map((at, index) => at - arrivals[index]!),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
