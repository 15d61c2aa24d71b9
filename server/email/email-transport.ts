import { ServerClient } from 'postmark';
import type { PrismaClient } from '../database/prisma.ts';

// Where emails go: Postmark's batch API, or the local mailbox when no Postmark
// token is configured. A transport sends one batch and reports per message;
// it throws when the whole batch failed (network, 5xx, bad token), so the job
// is retried with back-off and every email stays queued meanwhile.

export const MAX_BATCH_SIZE = 500;

export interface OutgoingEmail {
  emailId: string;
  from: string;
  to: string;
  subject: string;
  htmlBody: string;
  textBody: string;
  tag: string;
}

export type SendResult =
  | { ok: true; messageId: string }
  /** Refused for this recipient only; retrying would not help. `inactive`: the address bounced or complained before. */
  | { ok: false; errorCode: number; message: string; inactive: boolean };

export interface EmailTransport {
  readonly name: string;
  sendBatch(messages: OutgoingEmail[]): Promise<SendResult[]>;
}

/** Postmark error code for a recipient marked inactive after a hard bounce or spam complaint. */
const INACTIVE_RECIPIENT = 406;

export class PostmarkTransport implements EmailTransport {
  readonly name = 'postmark';
  private readonly client: ServerClient;

  /** `apiUrl` points the client elsewhere than api.postmarkapp.com (the fake Postmark of the tests and the benchmark). */
  constructor(serverToken: string, apiUrl?: string, timeoutSeconds = 30) {
    const url = apiUrl ? new URL(apiUrl) : undefined;
    this.client = new ServerClient(serverToken, {
      ...(url ? { useHttps: url.protocol === 'https:', requestHost: url.host } : {}),
      timeout: timeoutSeconds,
    });
  }

  async sendBatch(messages: OutgoingEmail[]): Promise<SendResult[]> {
    const responses = await this.client.sendEmailBatch(
      messages.map((message) => ({
        From: message.from,
        To: message.to,
        Subject: message.subject,
        HtmlBody: message.htmlBody,
        TextBody: message.textBody,
        Tag: message.tag,
        Metadata: { emailId: message.emailId },
        MessageStream: 'outbound',
      })),
    );
    if (responses.length !== messages.length) throw new Error(`Postmark answered ${responses.length} results for ${messages.length} messages.`);
    return responses.map((response) =>
      response.ErrorCode === 0
        ? { ok: true, messageId: response.MessageID }
        : { ok: false, errorCode: response.ErrorCode, message: response.Message, inactive: response.ErrorCode === INACTIVE_RECIPIENT },
    );
  }
}

/** Keeps the emails in the database, rendered, for a person to read at /mailbox (local use only). */
export class MailboxTransport implements EmailTransport {
  readonly name = 'mailbox';
  constructor(private readonly prisma: PrismaClient) {}

  async sendBatch(messages: OutgoingEmail[]): Promise<SendResult[]> {
    await this.prisma.mailboxMessage.createMany({
      data: messages.map((message) => ({
        emailId: message.emailId,
        from: message.from,
        to: message.to,
        subject: message.subject,
        htmlBody: message.htmlBody,
        textBody: message.textBody,
      })),
      skipDuplicates: true,
    });
    return messages.map((message) => ({ ok: true, messageId: `mailbox-${message.emailId}` }));
  }
}
