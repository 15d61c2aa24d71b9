import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A stand-in for Postmark's HTTP API on localhost (Postmark is unreachable
// here), speaking its real formats: POST /email and /email/batch with the
// X-Postmark-Server-Token header; per-message results with ErrorCode 0 and a
// MessageID, 406 for an inactive recipient, 300 for an invalid address; 401
// with ErrorCode 10 for a bad token; 422 for a batch over 500 messages; and,
// on demand, 500 or 503 answers for an outage. The real `postmark` client
// talks to it. https://postmarkapp.com/developer/api/email-api

export interface PostmarkMessage {
  From: string;
  To: string;
  Subject: string;
  HtmlBody?: string;
  TextBody?: string;
  Tag?: string;
  Metadata?: Record<string, string>;
  MessageStream?: string;
  MessageID: string;
}

export interface FakePostmark {
  url: string;
  token: string;
  /** Messages accepted, in order (empty when started with keepMessages: false). */
  messages: PostmarkMessage[];
  /** How many messages were accepted in all. */
  acceptedCount: number;
  /** HTTP requests received, including refused ones. */
  requestCount: number;
  /** Recipients Postmark considers inactive (answered with ErrorCode 406). */
  inactiveRecipients: Set<string>;
  /** Answer the next `requests` requests with this HTTP status (500: internal error, 503: unavailable). */
  failNext(requests: number, status?: 500 | 503): void;
  close(): Promise<void>;
}

const MAX_BATCH = 500;

export async function startFakePostmark(options: { keepMessages?: boolean; token?: string } = {}): Promise<FakePostmark> {
  const token = options.token ?? `fake-server-token-${randomUUID()}`;
  let failures: { remaining: number; status: number } = { remaining: 0, status: 500 };
  const fake: Omit<FakePostmark, 'url' | 'close'> = {
    token,
    messages: [],
    acceptedCount: 0,
    requestCount: 0,
    inactiveRecipients: new Set(),
    failNext(requests, status = 500) {
      failures = { remaining: requests, status };
    },
  };

  const send = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

  const accept = (message: Omit<PostmarkMessage, 'MessageID'>) => {
    const to = String(message.To ?? '');
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(to)) {
      return { ErrorCode: 300, Message: `Invalid 'To' address: '${to}'.` };
    }
    if (fake.inactiveRecipients.has(to.toLowerCase())) {
      return {
        ErrorCode: 406,
        Message: `You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: ${to}. Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a manual suppression.`,
      };
    }
    const MessageID = randomUUID();
    fake.acceptedCount++;
    if (options.keepMessages !== false) fake.messages.push({ ...message, MessageID });
    return { ErrorCode: 0, Message: 'OK', MessageID, SubmittedAt: new Date().toISOString(), To: to };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    fake.requestCount++;
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (failures.remaining > 0) {
      failures.remaining--;
      return send(response, failures.status, { ErrorCode: 0, Message: failures.status === 503 ? 'Service unavailable.' : 'Internal server error.' });
    }
    if (request.headers['x-postmark-server-token'] !== token) {
      return send(response, 401, { ErrorCode: 10, Message: 'The Server Token you provided in the X-Postmark-Server-Token request header was invalid. Please verify that you are using a valid token.' });
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(response, 422, { ErrorCode: 402, Message: 'Received invalid JSON input.' });
    }
    if (request.method === 'POST' && request.url === '/email/batch') {
      if (!Array.isArray(body)) return send(response, 422, { ErrorCode: 402, Message: 'Received invalid JSON input.' });
      if (body.length > MAX_BATCH) return send(response, 422, { ErrorCode: 413, Message: `Batch too large: at most ${MAX_BATCH} messages.` });
      return send(response, 200, body.map(accept));
    }
    if (request.method === 'POST' && request.url === '/email') {
      const result = accept(body as Omit<PostmarkMessage, 'MessageID'>);
      return send(response, result.ErrorCode === 0 ? 200 : 422, result);
    }
    return send(response, 404, { ErrorCode: 404, Message: 'Not found.' });
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error) => send(response, 500, { ErrorCode: 0, Message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as FakePostmark;
}
