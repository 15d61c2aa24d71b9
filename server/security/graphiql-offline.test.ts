import { describe, expect, it } from 'vitest';
import { TEST_PUBLIC_URL, useTestKit } from '../test/kit.ts';

// Finding 10: GraphiQL loaded its JavaScript and CSS from a CDN, so it was blank
// offline (and under a strict CSP). Its page now carries them inline, from
// @graphql-yoga/render-graphiql: the browser fetches nothing but the page.

const kit = useTestKit();

describe('the GraphQL playground', () => {
  it('is one page with its scripts and styles inline, nothing loaded from another host', async () => {
    const response = await kit.app.fetch(`${TEST_PUBLIC_URL}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    // Tags that would load something: <script src>, <link href>, <img src>, CSS @import/url() pointing elsewhere.
    const tags = html.match(/<(script|link|img|iframe)\b[^>]*>/gi) ?? [];
    for (const tag of tags) expect(tag).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/unpkg\.com|cdn\.jsdelivr\.net|esm\.sh|cdnjs/);
    expect(html).not.toMatch(/@import\s+(url\()?["']?https?:/i);
    // The whole GraphiQL application is in the page.
    expect(html).toContain('YogaGraphiQL.renderYogaGraphiQL');
    expect(html.length).toBeGreaterThan(1_000_000);
    expect(html).toContain('Parkpass API');
  });
});
