import { Errors, ServerClient } from 'postmark';
import type { PrismaClient } from '../database/prisma.ts';
import { inClientSpan } from '../observability/tracing.ts';

// Where emails go: Postmark's batch API, or the local mailbox when no Postmark
// token is configured. A transport sends one batch and reports per message;
// when the whole request fails it throws a TransportError that says whether
// the provider may have accepted the batch anyway (a timeout, a dropped
// connection, a 5xx) or surely did not (a 4xx refusal). It can also say which
// messages of a send attempt the provider holds (Postmark's outbound-message
// search by metadata), so that an attempt left unfinished is settled without
// sending anything twice (server/email/email-delivery.ts).

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
  /**
   * Refused for this recipient only. `permanent`: retrying would not help
   * (an invalid address); `inactive`: the address bounced or complained before.
   * Otherwise (the sender signature, the account, a rate limit) it is retried with back-off.
   */
  | { ok: false; errorCode: number; message: string; permanent: boolean; inactive: boolean };

/** The whole request failed. `maybeAccepted`: the provider may hold the batch anyway (ask it before sending again). */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly maybeAccepted: boolean,
  ) {
    super(message);
  }
}

export interface EmailTransport {
  readonly name: string;
  /** The longest one request may take (its client gives up after it). */
  readonly requestTimeoutMs: number;
  /** How long after a request's end `acceptedMessages` is trusted to show what it accepted (a search index lags a little). */
  readonly searchDelayMs: number;
  /** Sends one batch; every message carries the metadata `emailId` and `sendAttemptId`. */
  sendBatch(messages: OutgoingEmail[], sendAttemptId: string): Promise<SendResult[]>;
  /** The messages of one send attempt the provider accepted: email id → provider's message id. Throws TransportError when it cannot tell. */
  acceptedMessages(sendAttemptId: string): Promise<Map<string, string>>;
}

/** Postmark error code for a recipient marked inactive after a hard bounce or spam complaint. */
const INACTIVE_RECIPIENT = 406;
/** Postmark error code of an invalid email request (e.g. a malformed address): sending it again gives the same answer. */
const INVALID_EMAIL_REQUEST = 300;
/** Postmark's outbound-message search returns at most 500 per page and 10,000 in all. */
const SEARCH_PAGE = 500;
const SEARCH_MAX = 10_000;

export interface PostmarkTransportOptions {
  /** Another Postmark-compatible endpoint than api.postmarkapp.com (the fake Postmark of the tests and the benchmarks). */
  apiUrl?: string;
  /** The client gives up on a request after this (default 30 s). */
  timeoutSeconds?: number;
  /** How long Postmark's outbound-message search may lag behind an accepted batch (default 60 s). */
  searchDelaySeconds?: number;
}

export class PostmarkTransport implements EmailTransport {
  readonly name = 'postmark';
  readonly requestTimeoutMs: number;
  readonly searchDelayMs: number;
  private readonly client: ServerClient;

  constructor(serverToken: string, { apiUrl, timeoutSeconds = 30, searchDelaySeconds = 60 }: PostmarkTransportOptions = {}) {
    const url = apiUrl ? new URL(apiUrl) : undefined;
    this.requestTimeoutMs = timeoutSeconds * 1000;
    this.searchDelayMs = searchDelaySeconds * 1000;
    this.client = new ServerClient(serverToken, {
      ...(url ? { useHttps: url.protocol === 'https:', requestHost: url.host } : {}),
      timeout: timeoutSeconds,
    });
  }

  async sendBatch(messages: OutgoingEmail[], sendAttemptId: string): Promise<SendResult[]> {
    let responses: Awaited<ReturnType<typeof this.client.sendEmailBatch>>;
    try {
      const batch = () =>
        this.client.sendEmailBatch(
          messages.map((message) => ({
            From: message.from,
            To: message.to,
            Subject: message.subject,
            HtmlBody: message.htmlBody,
            TextBody: message.textBody,
            Tag: message.tag,
            Metadata: { emailId: message.emailId, sendAttemptId },
            MessageStream: 'outbound',
          })),
        );
      responses = await inClientSpan('POST postmark /email/batch', { 'server.address': 'postmark', 'messaging.batch.message_count': messages.length }, batch);
    } catch (error) {
      throw postmarkFailure(error);
    }
    if (!Array.isArray(responses) || responses.length !== messages.length) {
      throw new TransportError(`Postmark answered ${Array.isArray(responses) ? responses.length : 'no'} results for ${messages.length} messages.`, true);
    }
    return responses.map((response) =>
      response.ErrorCode === 0
        ? { ok: true, messageId: response.MessageID }
        : {
            ok: false,
            errorCode: response.ErrorCode,
            message: response.Message,
            inactive: response.ErrorCode === INACTIVE_RECIPIENT,
            permanent: response.ErrorCode === INACTIVE_RECIPIENT || response.ErrorCode === INVALID_EMAIL_REQUEST,
          },
    );
  }

  /** GET /messages/outbound?metadata_sendAttemptId=…: one page holds a whole batch (500), paged anyway. */
  async acceptedMessages(sendAttemptId: string): Promise<Map<string, string>> {
    const accepted = new Map<string, string>();
    for (let offset = 0; offset < SEARCH_MAX; offset += SEARCH_PAGE) {
      let page: Awaited<ReturnType<typeof this.client.getOutboundMessages>>;
      try {
        page = await this.client.getOutboundMessages({ count: SEARCH_PAGE, offset, metadata_sendAttemptId: sendAttemptId });
      } catch (error) {
        throw postmarkFailure(error);
      }
      for (const message of page.Messages) {
        const emailId = message.Metadata?.emailId;
        if (emailId && message.Metadata.sendAttemptId === sendAttemptId) accepted.set(emailId, message.MessageID);
      }
      if (page.Messages.length < SEARCH_PAGE || offset + SEARCH_PAGE >= Number(page.TotalCount)) break;
    }
    return accepted;
  }
}

/**
 * A 4xx answer is a refusal of the whole request: nothing was accepted. A 5xx,
 * a timeout or a network error leaves it open whether Postmark took the batch.
 */
function postmarkFailure(error: unknown): TransportError {
  const message = error instanceof Error ? error.message : String(error);
  const status = error instanceof Errors.PostmarkError ? error.statusCode : 0;
  const refused = status >= 400 && status < 500;
  return new TransportError(status ? `HTTP ${status}: ${message}` : message, !refused);
}

/** Keeps the emails in the database, rendered, for a person to read at /mailbox (local use only). */
export class MailboxTransport implements EmailTransport {
  readonly name = 'mailbox';
  readonly requestTimeoutMs = 30_000;
  readonly searchDelayMs = 0;
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

  /** The mailbox holds at most one message per email (unique email id): what it holds was delivered. */
  async acceptedMessages(sendAttemptId: string): Promise<Map<string, string>> {
    const held = await this.prisma.mailboxMessage.findMany({ where: { email: { sendAttemptId } }, select: { emailId: true } });
    return new Map(held.map((message) => [message.emailId, `mailbox-${message.emailId}`]));
  }
}
