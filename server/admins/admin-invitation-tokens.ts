import { createHmac } from 'node:crypto';
import { sha256Hex } from '../kernel/sha256.ts';

// An admin invitation's token, made as a profile invitation's is (HMAC-SHA256 of
// the id with the server's secret; only its SHA-256 is stored; the email job
// derives it again to render the link), under its own label: a profile's
// token can never open an admin invitation, nor the reverse.

export function adminInvitationToken(secret: string, adminInvitationId: string): string {
  return createHmac('sha256', secret).update(`admin-invitation:${adminInvitationId}`).digest('base64url');
}

export function hashAdminInvitationToken(token: string): string {
  return sha256Hex(token);
}

/**
 * The admin UI's page where the invited person chooses their password. As for
 * profiles, the token sits in the fragment (never sent to a server, never in
 * an access log); the language sits in the query.
 */
export function adminJoinLink(publicUrl: string, token: string, language?: string): string {
  return `${publicUrl}/admin/join${language ? `?lang=${language}` : ''}#token=${token}`;
}
