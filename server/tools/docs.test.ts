import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DOC_TABLES, staleDocTables } from './doc-tables.ts';

// The repository stands on its own: a short README that leads into docs/, no
// pointer to a document or tracker a person cloning the repository does not
// have, and no link in the docs that leads nowhere.

const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: path.dirname(fileURLToPath(import.meta.url)), encoding: 'utf8' }).trim();

const README_MAX_LINES = 260;

/** What points outside the repository. Written in pieces so that this file does not name them itself. */
const OUTSIDE_REFERENCES: { name: string; pattern: RegExp }[] = [
  { name: 'the shared folder beside the repository', pattern: new RegExp(['\\.\\./', 'shared'].join(''), 'i') },
  { name: 'the design document', pattern: new RegExp(['DESIGN', '\\.md'].join('')) },
  { name: 'an issue by number', pattern: /\bissue\s+#?\d+/i },
  { name: 'an outside help-center page', pattern: new RegExp(['help-center', '\\s+article'].join(''), 'i') },
];

/** Tracked files, and new ones not ignored, that exist and hold text (no NUL byte). */
function repositoryTextFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  return [...new Set(listed.split('\0').filter(Boolean))].filter((file) => {
    const full = path.join(root, file);
    if (!existsSync(full) || !statSync(full).isFile()) return false;
    return !readFileSync(full).subarray(0, 8000).includes(0);
  });
}

/** The Markdown files whose links are checked: the README and every page of docs/. */
function markdownPages(): string[] {
  const docs = readdirSync(path.join(root, 'docs')).filter((name) => name.endsWith('.md'));
  return ['README.md', ...docs.map((name) => `docs/${name}`)];
}

/** The text outside fenced code blocks and inline code, where links and headings are. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** The anchors GitHub gives a page's headings (github-slugger), plus explicit `id`/`name` anchors. */
function anchorsOf(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of withoutCode.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const text = heading!
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/[`*~]/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const [, id] of withoutCode.matchAll(/<a\s[^>]*(?:id|name)="([^"]+)"/g)) anchors.add(id!);
  return anchors;
}

/** Every link target of a page: Markdown links and images, and HTML `src`/`href`. */
function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const markdownLinks = [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]!);
  const htmlLinks = [...text.matchAll(/<(?:img|a)\s[^>]*(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
  return [...markdownLinks, ...htmlLinks];
}

/** Why a relative link of `page` leads nowhere, or null when it leads to an existing file (and heading). */
function brokenLink(page: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return null; // https:, mailto:: outside the repository by design
  const [file = '', anchor] = target.split('#', 2);
  const resolved = file === '' ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), decodeURIComponent(file)));
  if (file.startsWith('/') || resolved.startsWith('..')) return `${target}: not a path inside the repository`;
  const full = path.join(root, resolved);
  if (!existsSync(full)) return `${target}: ${resolved} does not exist`;
  if (anchor === undefined || anchor === '') return null;
  if (!resolved.endsWith('.md')) return `${target}: an anchor into a file that is not Markdown`;
  return anchorsOf(readFileSync(full, 'utf8')).has(decodeURIComponent(anchor)) ? null : `${target}: ${resolved} has no heading #${anchor}`;
}

describe('the docs', () => {
  it(`keep README.md at most ${README_MAX_LINES} lines: the rest is in docs/`, () => {
    const lines = readFileSync(path.join(root, 'README.md'), 'utf8').replace(/\n$/, '').split('\n').length;
    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('point at nothing outside the repository, in any tracked text file', () => {
    const found: string[] = [];
    for (const file of repositoryTextFiles()) {
      const lines = readFileSync(path.join(root, file), 'utf8').split('\n');
      lines.forEach((line, index) => {
        for (const { name, pattern } of OUTSIDE_REFERENCES) if (pattern.test(line)) found.push(`${file}:${index + 1}: ${name}`);
      });
    }
    expect(found).toEqual([]);
  });

  it('link only to files and headings that exist, from README.md and every page of docs/', () => {
    const pages = markdownPages();
    expect(pages.length).toBeGreaterThan(1);
    const broken: string[] = [];
    let checked = 0;
    for (const page of pages) {
      for (const target of linkTargets(readFileSync(path.join(root, page), 'utf8'))) {
        checked += 1;
        const problem = brokenLink(page, target);
        if (problem) broken.push(`${page}: ${problem}`);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  it('hold every table printed from the code as the code prints it now (server/tools/doc-tables.ts writes them)', () => {
    expect(DOC_TABLES.map((table) => table.marker)).toEqual(['limits-table', 'refusal-codes', 'error-codes', 'webhook-events', 'access-table']);
    expect(staleDocTables(root)).toEqual([]);
  });

  it('compute anchors and find broken links as GitHub renders them', () => {
    const page =
      "# Parkpass\n## Email delivery (exactly once)\n## Organizations: the operator's command\n## `invitation.expired`\n## Notes\n## Notes\n```sh\n# not a heading\n```\n";
    expect([...anchorsOf(page)]).toEqual([
      'parkpass',
      'email-delivery-exactly-once',
      'organizations-the-operators-command',
      'invitationexpired',
      'notes',
      'notes-1',
    ]);
    expect(linkTargets('[a](docs/api.md#errors) `[b](nowhere.md)` <img src="docs/screenshots/profiles.png">\n```\n[c](inside-code.md)\n```\n')).toEqual([
      'docs/api.md#errors',
      'docs/screenshots/profiles.png',
    ]);
    expect(brokenLink('README.md', 'docs/api.md#errors')).toBeNull();
    expect(brokenLink('README.md', 'https://example.com/nowhere')).toBeNull();
    expect(brokenLink('README.md', 'docs/nowhere.md')).toMatch(/does not exist/);
    expect(brokenLink('README.md', 'docs/api.md#no-such-heading')).toMatch(/has no heading/);
    expect(brokenLink('docs/api.md', '../../outside.md')).toMatch(/not a path inside the repository/);
  });
});
