import { describe, expect, it } from 'vitest';
import { TEST_PUBLIC_URL, useTestKit } from '../test/kit.ts';

const kit = useTestKit();

describe('the GraphQL playground', () => {
  it("opens with the SDK's operations as saved tabs, and the accept page is served", async () => {
    const response = await kit.app.fetch(`${TEST_PUBLIC_URL}/graphql`, { headers: { accept: 'text/html' } });
    const html = await response.text();
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    for (const operation of [
      'query Profiles(',
      'mutation ProfileInvite(',
      'mutation ProfilesInvite(',
      'query InvitationPreview(',
      'mutation InvitationAccept(',
      'query Viewer',
    ]) {
      expect(html).toContain(operation);
    }
    const accept = await kit.app.fetch(`${TEST_PUBLIC_URL}/accept`);
    expect(accept.status).toBe(200);
    expect(await accept.text()).toContain('Create your password');
  });
});
