import { createHmac } from 'node:crypto';
import { sha256Hex } from '../kernel/sha256.ts';

// An invitation's token is HMAC-SHA256(server secret, invitation id): 256
// bits nobody can guess without the secret. No table and no job payload holds
// it: the database keeps only its SHA-256 (looked up on accept), and the email
// job derives it again when it renders the link. Rotating the secret
// invalidates the links already sent (their invitations can be re-sent).

export function invitationToken(secret: string, invitationId: string): string {
  return createHmac('sha256', secret).update(`invitation:${invitationId}`).digest('base64url');
}

export function hashInvitationToken(token: string): string {
  return sha256Hex(token);
}

/**
 * The link of the accept page. The token sits in the fragment, which browsers
 * never send to a server, so no access log holds it; the language, not a
 * secret, sits in the query so the server renders the page in it.
 */
export function acceptLink(publicUrl: string, token: string, language?: string): string {
  return `${publicUrl}/accept${language ? `?lang=${language}` : ''}#token=${token}`;
}
