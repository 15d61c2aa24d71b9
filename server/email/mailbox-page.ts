import type { PrismaClient } from '../database/prisma.ts';
import { escapeHtml } from '../pages/escape-html.ts';

// The local mailbox (no Postmark token configured): /mailbox lists the
// emails the server "sent", newest first; /mailbox/<id> shows one as the
// person would see it, links included. Only served in that mode, since the
// emails hold live invitation links.

export async function handleMailboxRequest(url: URL, prisma: PrismaClient): Promise<Response> {
  const id = url.pathname.replace(/^\/mailbox\/?/, '');
  if (id) {
    const message = /^[0-9a-f-]{36}$/.test(id) ? await prisma.mailboxMessage.findUnique({ where: { id } }) : null;
    if (!message) return new Response('No such message', { status: 404 });
    return new Response(message.htmlBody, { headers: { 'content-type': 'text/html; charset=utf-8', 'referrer-policy': 'no-referrer' } });
  }
  const to = url.searchParams.get('to');
  const messages = await prisma.mailboxMessage.findMany({
    where: to ? { to: { equals: to, mode: 'insensitive' } } : {},
    orderBy: { createdAt: 'desc' },
    take: 200,
    select: { id: true, to: true, subject: true, createdAt: true },
  });
  const rows = messages
    .map(
      (message) =>
        `<tr><td>${escapeHtml(message.createdAt.toISOString().replace('T', ' ').slice(0, 19))}</td><td>${escapeHtml(message.to)}</td>` +
        `<td><a href="/mailbox/${message.id}">${escapeHtml(message.subject)}</a></td></tr>`,
    )
    .join('\n');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Parkpass local mailbox</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1f2933}table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #e4e7eb}</style></head>
<body><h1>Local mailbox</h1>
<p>No Postmark token is configured, so emails are kept here instead of being sent. Newest first${to ? `, to ${escapeHtml(to)}` : ''}.</p>
<table><thead><tr><th>Sent (UTC)</th><th>To</th><th>Subject</th></tr></thead><tbody>
${rows || '<tr><td colspan="3">No email yet. Invite a profile, then reload.</td></tr>'}
</tbody></table></body></html>`;
  return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } });
}
