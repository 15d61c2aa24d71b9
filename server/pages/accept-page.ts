import { PASSWORD_MIN_LENGTH, PASSWORD_POLICY } from '../auth/password-policy.ts';
import { escapeHtml } from './escape-html.ts';

// The page an invitation email links to (/accept#token=…). The token stays in
// the URL fragment, which the browser never sends, so no server or proxy log
// sees it. The page calls the same public GraphQL fields as any client:
// invitationByToken to say whose invitation it is, invitationAccept to finish.

const script = `
const token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
const $ = (id) => document.getElementById(id);
const show = (id) => { for (const section of document.querySelectorAll('section')) section.hidden = section.id !== id; };
async function graphql(query, variables) {
  const response = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors) throw new Error(body.errors[0].message);
  return body.data;
}
const reasons = {
  EXPIRED: 'This invitation has expired. Ask your administrator to send a new one.',
  ACCEPTED: 'This invitation was already accepted. Sign in to the app with your email and password.',
  REVOKED: 'This invitation was withdrawn by your administrator.',
  SUPERSEDED: 'A newer invitation replaced this one. Use the link in the most recent email.',
};
function fail(message) { $('failure-message').textContent = message; show('failure'); }
async function start() {
  if (!token) return fail('This link is incomplete. Open the whole link from the email.');
  try {
    const { invitationByToken: invitation } = await graphql(
      'query ($token: String!) { invitationByToken(token: $token) { organizationName firstName expiresAt state passwordPolicy } }', { token });
    if (!invitation) return fail('This invitation link is not valid. Check that you opened the whole link from the email.');
    if (invitation.state !== 'OPEN') return fail(reasons[invitation.state]);
    $('greeting').textContent = 'Hello ' + invitation.firstName + ', ' + invitation.organizationName + ' invites you to Parkpass.';
    $('expires').textContent = 'This link works until ' + new Date(invitation.expiresAt).toLocaleString() + '.';
    $('policy').textContent = invitation.passwordPolicy;
    show('form-section');
  } catch (error) { fail('The server could not be reached: ' + error.message); }
}
$('form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('form-error').textContent = '';
  if ($('password').value !== $('confirm').value) { $('form-error').textContent = 'The two passwords differ.'; return; }
  $('submit').disabled = true;
  try {
    const { invitationAccept: result } = await graphql(
      'mutation ($input: InvitationAcceptInput!) { invitationAccept(input: $input) { __typename ... on InvitationAcceptPayload { firstName organizationName appStoreUrl playStoreUrl } ... on Error { code message } } }',
      { input: { token, password: $('password').value } });
    if (result.__typename === 'InvitationAcceptPayload') {
      $('success-message').textContent = 'Welcome, ' + result.firstName + '! Your account with ' + result.organizationName + ' is ready. Download the app and sign in:';
      const links = [['App Store (iPhone)', result.appStoreUrl], ['Google Play (Android)', result.playStoreUrl]].filter(([, url]) => url);
      $('app-links').innerHTML = '';
      for (const [label, url] of links) { const item = document.createElement('li'); const link = document.createElement('a'); link.href = url; link.textContent = label; item.append(link); $('app-links').append(item); }
      if (!links.length) $('app-links').textContent = 'Search for "Parkpass" in your phone\\'s app store.';
      show('success');
    } else if (result.code === 'PASSWORD_TOO_WEAK') {
      $('form-error').textContent = result.message;
    } else {
      fail(result.message);
    }
  } catch (error) { $('form-error').textContent = 'The server could not be reached: ' + error.message; }
  finally { $('submit').disabled = false; }
});
start();
`;

export const ACCEPT_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parkpass · Confirm your account</title>
<style>
  body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1f2933; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; }
  label { display: block; margin: 1rem 0 .3rem; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; padding: .6rem; font-size: 1rem; border: 1px solid #9aa5b1; border-radius: 6px; }
  button { margin-top: 1.2rem; padding: .7rem 1.2rem; font-size: 1rem; background: #2563eb; color: #fff; border: 0; border-radius: 6px; }
  .hint { color: #52606d; font-size: .9rem; } .error { color: #b91c1c; min-height: 1.2em; }
</style>
</head>
<body>
<h1>Parkpass</h1>
<section id="loading"><p>Checking your invitation…</p></section>
<section id="form-section" hidden>
  <p id="greeting"></p>
  <p class="hint" id="expires"></p>
  <form id="form">
    <label for="password">Create your password</label>
    <input id="password" type="password" autocomplete="new-password" minlength="${PASSWORD_MIN_LENGTH}" required>
    <p class="hint" id="policy">${escapeHtml(PASSWORD_POLICY)}</p>
    <label for="confirm">Type it again</label>
    <input id="confirm" type="password" autocomplete="new-password" required>
    <p class="error" id="form-error" role="alert"></p>
    <button id="submit" type="submit">Confirm my account</button>
  </form>
</section>
<section id="success" hidden><h2>Account confirmed</h2><p id="success-message"></p><ul id="app-links"></ul></section>
<section id="failure" hidden><h2>This link cannot be used</h2><p id="failure-message"></p></section>
<script>${script}</script>
</body>
</html>`;

export function acceptPageResponse(): Response {
  return new Response(ACCEPT_PAGE_HTML, {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'",
    },
  });
}
