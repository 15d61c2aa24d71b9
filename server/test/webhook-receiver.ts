import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// Tests: a local HTTP server that plays an integrator's webhook receiver,
// answering as told (200, 500, or never) and keeping every request.

export type ReceiverMode = 'ok' | 'fail' | 'hang';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  /** What it answered: a status, or null when it let the request hang. */
  answered: number | null;
}

export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  mode: ReceiverMode;
  close(): Promise<void>;
}

export async function startWebhookReceiver(host = '127.0.0.1'): Promise<WebhookReceiver> {
  const hanging = new Set<() => void>();
  const receiver = { requests: [] as ReceivedRequest[], mode: 'ok' as ReceiverMode } as WebhookReceiver;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const mode = receiver.mode;
      const record: ReceivedRequest = { headers: request.headers, body, answered: null };
      receiver.requests.push(record);
      if (mode === 'hang') {
        hanging.add(() => response.destroy());
        return;
      }
      record.answered = mode === 'ok' ? 200 : 500;
      response.writeHead(record.answered, { 'content-type': 'text/plain' }).end(mode === 'ok' ? 'ok' : 'receiver is down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://${host}:${port}/parkpass-events`;
  receiver.close = async () => {
    for (const end of hanging) end();
    await new Promise((resolve) => server.close(resolve));
  };
  return receiver;
}
