import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A stand-in for Postmark's HTTP API on localhost (Postmark is unreachable
// here), speaking its real formats, with the X-Postmark-Server-Token header:
// - POST /email and /email/batch: per-message results with ErrorCode 0 and a
//   MessageID, 406 for an inactive recipient, 300 for an invalid address; 401
//   with ErrorCode 10 for a bad token; 422 for a batch over 500 messages.
//   https://postmarkapp.com/developer/api/email-api
// - GET /messages/outbound: the outbound-message search, `count` (≤ 500) and
//   `offset` required (count + offset ≤ 10,000), filters recipient,
//   fromemail, tag, subject, messagestream, status and metadata_<key>; answers
//   { TotalCount, Messages: [...] }, newest first, each message without its
//   bodies (Tag, MessageID, MessageStream, To, Cc, Bcc, Recipients,
//   ReceivedAt, From, Subject, Attachments, Status, TrackOpens, TrackLinks,
//   Metadata, Sandboxed). https://postmarkapp.com/developer/api/messages-api
// And, on demand, what goes wrong with a real provider: 500 or 503 answers,
// answers that come too late or never (the connection drops after Postmark
// accepted the batch), per-recipient refusals. The real `postmark` client
// talks to it.

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
  ReceivedAt: string;
}

export type FailOn = 'any' | 'send' | 'search';

export interface FakePostmark {
  url: string;
  token: string;
  /** Messages accepted, in order (without their bodies when started with keepMessages: false). */
  messages: PostmarkMessage[];
  /** How many messages were accepted in all. */
  acceptedCount: number;
  /** HTTP requests received, including refused ones. */
  requestCount: number;
  /** Recipients Postmark considers inactive (answered with ErrorCode 406). */
  inactiveRecipients: Set<string>;
  /** Per-recipient refusals inside a batch (e.g. ErrorCode 405, "not allowed to send"), until removed. */
  recipientErrors: Map<string, { ErrorCode: number; Message: string }>;
  /** Answer the next `requests` requests (of a kind) with this HTTP status (500: internal error, 503: unavailable), accepting nothing. */
  failNext(requests: number, status?: 500 | 503 | 401 | 429, on?: FailOn): void;
  /** The next `requests` batches are accepted, then answered only after `ms` (past the client's timeout, it never reads the answer). */
  answerLate(requests: number, ms: number): void;
  /** The next `requests` batches are accepted, then the connection is dropped without an answer. */
  dropAfterAccepting(requests: number): void;
  /** Called once a batch is accepted, before it is answered; the answer waits for it (the crash benchmark kills the sender there). */
  onBatchAccepted?: (accepted: number, batchNumber: number) => Promise<void> | void;
  /** Per value of a metadata key: how many accepted messages carry it (duplicates show as counts above 1). */
  countsByMetadata(key: string): Map<string, number>;
  close(): Promise<void>;
}

const MAX_BATCH = 500;
const MAX_SEARCH_PAGE = 500;
const MAX_SEARCH_WINDOW = 10_000;

export async function startFakePostmark(options: { keepMessages?: boolean; token?: string } = {}): Promise<FakePostmark> {
  const token = options.token ?? `fake-server-token-${randomUUID()}`;
  const failures = { remaining: 0, status: 500, on: 'any' as FailOn };
  const late = { remaining: 0, ms: 0 };
  let drops = 0;
  let batchNumber = 0;
  const fake: Omit<FakePostmark, 'url' | 'close'> = {
    token,
    messages: [],
    acceptedCount: 0,
    requestCount: 0,
    inactiveRecipients: new Set(),
    recipientErrors: new Map(),
    failNext(requests, status = 500, on = 'any') {
      Object.assign(failures, { remaining: requests, status, on });
    },
    answerLate(requests, ms) {
      Object.assign(late, { remaining: requests, ms });
    },
    dropAfterAccepting(requests) {
      drops = requests;
    },
    countsByMetadata(key) {
      const counts = new Map<string, number>();
      for (const message of fake.messages) {
        const value = message.Metadata?.[key];
        if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
      }
      return counts;
    },
  };

  const send = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

  const accept = (message: Omit<PostmarkMessage, 'MessageID' | 'ReceivedAt'>) => {
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
    const refusal = fake.recipientErrors.get(to.toLowerCase());
    if (refusal) return refusal;
    const MessageID = randomUUID();
    const ReceivedAt = new Date().toISOString();
    fake.acceptedCount++;
    const { HtmlBody, TextBody, ...slim } = message;
    fake.messages.push(options.keepMessages === false ? { ...slim, MessageID, ReceivedAt } : { ...message, MessageID, ReceivedAt });
    return { ErrorCode: 0, Message: 'OK', MessageID, SubmittedAt: ReceivedAt, To: to };
  };

  const search = (url: URL, response: ServerResponse) => {
    const count = Number(url.searchParams.get('count'));
    const offset = Number(url.searchParams.get('offset'));
    if (!url.searchParams.has('count') || !url.searchParams.has('offset') || !Number.isInteger(count) || !Number.isInteger(offset) || count < 1 || offset < 0) {
      return send(response, 422, { ErrorCode: 0, Message: 'The count and offset parameters are required.' });
    }
    if (count > MAX_SEARCH_PAGE || count + offset > MAX_SEARCH_WINDOW) {
      return send(response, 422, { ErrorCode: 0, Message: `Count may be at most ${MAX_SEARCH_PAGE}, and count + offset at most ${MAX_SEARCH_WINDOW}.` });
    }
    const filters: ((message: PostmarkMessage) => boolean)[] = [];
    const param = (name: string) => url.searchParams.get(name);
    const same = (a: string | undefined, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();
    if (param('recipient')) filters.push((message) => same(message.To, param('recipient')!));
    if (param('fromemail')) filters.push((message) => message.From.toLowerCase().includes(param('fromemail')!.toLowerCase()));
    if (param('tag')) filters.push((message) => same(message.Tag, param('tag')!));
    if (param('subject')) filters.push((message) => message.Subject.toLowerCase().includes(param('subject')!.toLowerCase()));
    if (param('messagestream')) filters.push((message) => same(message.MessageStream ?? 'outbound', param('messagestream')!));
    if (param('status') && !same('sent', param('status')!)) filters.push(() => false);
    for (const [name, value] of url.searchParams) {
      if (name.startsWith('metadata_')) filters.push((message) => message.Metadata?.[name.slice('metadata_'.length)] === value);
    }
    const found = fake.messages.filter((message) => filters.every((filter) => filter(message))).reverse();
    return send(response, 200, {
      TotalCount: found.length,
      Messages: found.slice(offset, offset + count).map((message) => ({
        Tag: message.Tag ?? '',
        MessageID: message.MessageID,
        MessageStream: message.MessageStream ?? 'outbound',
        To: [{ Email: message.To, Name: null }],
        Cc: [],
        Bcc: [],
        Recipients: [message.To],
        ReceivedAt: message.ReceivedAt,
        From: message.From,
        Subject: message.Subject,
        Attachments: [],
        Status: 'Sent',
        TrackOpens: false,
        TrackLinks: 'None',
        Metadata: message.Metadata ?? {},
        Sandboxed: false,
      })),
    });
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    fake.requestCount++;
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', 'http://postmark.test');
    const kind: FailOn = request.method === 'GET' ? 'search' : 'send';
    if (failures.remaining > 0 && (failures.on === 'any' || failures.on === kind)) {
      failures.remaining--;
      const messages: Record<number, string> = { 401: 'Request does not contain a valid Server token.', 429: 'Rate limit exceeded.', 503: 'Service unavailable.' };
      return send(response, failures.status, { ErrorCode: failures.status === 401 ? 10 : 0, Message: messages[failures.status] ?? 'Internal server error.' });
    }
    if (request.headers['x-postmark-server-token'] !== token) {
      return send(response, 401, { ErrorCode: 10, Message: 'The Server Token you provided in the X-Postmark-Server-Token request header was invalid. Please verify that you are using a valid token.' });
    }
    if (request.method === 'GET' && url.pathname === '/messages/outbound') return search(url, response);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(response, 422, { ErrorCode: 402, Message: 'Received invalid JSON input.' });
    }
    if (request.method === 'POST' && url.pathname === '/email/batch') {
      if (!Array.isArray(body)) return send(response, 422, { ErrorCode: 402, Message: 'Received invalid JSON input.' });
      if (body.length > MAX_BATCH) return send(response, 422, { ErrorCode: 413, Message: `Batch too large: at most ${MAX_BATCH} messages.` });
      const results = body.map(accept);
      const number = ++batchNumber;
      await fake.onBatchAccepted?.(results.filter((result) => result.ErrorCode === 0).length, number);
      if (drops > 0) {
        drops--;
        request.socket.destroy();
        return;
      }
      if (late.remaining > 0) {
        late.remaining--;
        await new Promise((resolve) => setTimeout(resolve, late.ms));
        if (response.destroyed || request.socket.destroyed) return;
      }
      return send(response, 200, results);
    }
    if (request.method === 'POST' && url.pathname === '/email') {
      const result = accept(body as Omit<PostmarkMessage, 'MessageID' | 'ReceivedAt'>);
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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as FakePostmark;
}
