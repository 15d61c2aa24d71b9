import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config.ts';
import type { AppSettings } from '../kernel/scope.ts';
import type { PrismaClient } from '../database/prisma.ts';
import type { AppOptions } from './yoga.ts';
import { type EmailTransport, MailboxTransport, PostmarkTransport } from '../email/email-transport.ts';
import { DEFAULT_WEBHOOK_DELIVERY, type WebhookDeliverySettings } from '../webhooks/webhook-delivery.ts';

// Turns the configuration into the parts main.ts and worker-main.ts assemble.

/** Settings for links and tokens. Outside production, a missing token secret is generated once and kept in the data folder. */
export async function appSettings(config: Config): Promise<AppSettings> {
  return { publicUrl: config.publicUrl, invitationTokenSecret: config.invitationTokenSecret ?? (await localSecret(config.dataDir)) };
}

async function localSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'invitation-token-secret');
  const existing = await readFile(file, 'utf8').catch(() => null);
  if (existing?.trim()) return existing.trim();
  const secret = randomBytes(32).toString('base64url');
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

/** Postmark when a server token is configured; otherwise the local mailbox (read at /mailbox), which the configuration allows only when asked in production. */
export function emailTransport(config: Config, prisma: PrismaClient): EmailTransport {
  return config.localMailbox
    ? new MailboxTransport(prisma)
    : new PostmarkTransport(config.postmark.serverToken!, {
        apiUrl: config.postmark.apiUrl,
        timeoutSeconds: config.postmark.timeoutSeconds,
        searchDelaySeconds: config.postmark.searchDelaySeconds,
      });
}

/** What the HTTP app takes from the configuration (production: masked errors, no GraphiQL or introspection unless asked, same-origin only). */
export function appOptions(config: Config) {
  return {
    trustProxy: config.trustProxy,
    mailbox: config.localMailbox,
    postmarkWebhookPassword: config.postmarkWebhookPassword,
    exposure: config.exposure,
    webhookPrivateAddresses: config.webhookPrivateAddresses,
  } satisfies Partial<AppOptions>;
}

/** How the worker sends webhooks: the default limits, private addresses as configured. */
export function webhookDeliverySettings(config: Config): WebhookDeliverySettings {
  return { ...DEFAULT_WEBHOOK_DELIVERY, allowPrivateAddresses: config.webhookPrivateAddresses };
}
