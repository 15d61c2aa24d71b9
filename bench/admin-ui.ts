// npm run bench:admin  (optionally: -- --profiles 100000 --runs 10)
// The admin UI in the browser (Chromium from @sparticuz/chromium) against the
// real server on an organization of N profiles (the same seeded database as
// `npm run bench`, in .data/bench-postgres): how long the Profiles page takes
// to show its first table after navigation, and how long a filter change takes
// to show the new table, median of `runs`; the size of the UI's JavaScript;
// and a 10,000-row CSV import, dry run then write (bench/admin-import.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import sparticuz from '@sparticuz/chromium';
import { chromium } from 'playwright-core';
import { hashSecret } from '../server/auth/api-keys.ts';
import { newSessionToken, SESSION_LIFETIME_MS } from '../server/auth/sessions.ts';
import { SESSION_COOKIE } from '../server/pages/admin-session.ts';
import { openBenchDatabase } from './bench-database.ts';
import { seedLargeOrganization } from '../server/seed/large-seed.ts';
import { createApp } from '../server/app/yoga.ts';
import { benchImport } from './admin-import.ts';

// --only ui or --only import runs one part (the other is skipped).
const { values } = parseArgs({
  options: { profiles: { type: 'string', default: '100000' }, runs: { type: 'string', default: '10' }, only: { type: 'string', default: '' } },
});
const count = Number(values.profiles);
const runs = Number(values.runs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// The UI's JavaScript, as served (gzip).
const assets = fileURLToPath(new URL('../admin/dist/assets/', import.meta.url));
const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
const jsGzip = js.reduce((sum, f) => sum + gzipSync(readFileSync(path.join(assets, f))).length, 0);
const cssGzip = readdirSync(assets)
  .filter((f) => f.endsWith('.css'))
  .reduce((sum, f) => sum + gzipSync(readFileSync(path.join(assets, f))).length, 0);

// Each SQL statement Prisma sends, while `recording` is set (the statements of one request, replayed alone after the runs).
let recording: { sql: string; ms: number }[] | null = null;
const db = await openBenchDatabase(`bench_${count}`, { onQuery: (sql, ms) => recording?.push({ sql, ms }) });
const { url, prisma } = db;
let organizationId = (await prisma.organization.findFirst({ where: { profiles: { some: {} } }, orderBy: { createdAt: 'asc' }, select: { id: true } }))?.id;
if (!organizationId) {
  console.log(`Seeding ${count} profiles…`);
  organizationId = (await seedLargeOrganization(prisma, count)).organizationId;
}
const profiles = await prisma.profile.count({ where: { organizationId } });
// The large seed has no admin: the bench adds one (it never signs in with a password: a session is made for it).
const admin =
  (await prisma.admin.findFirst({ where: { organizationId } })) ??
  (await prisma.admin.create({
    data: { organizationId, email: 'bench-admin@bench.test', name: 'Bench admin', role: 'OWNER', passwordHash: 'not-a-password' },
  }));
const token = newSessionToken();
const expiresAt = new Date(Date.now() + SESSION_LIFETIME_MS);
await prisma.adminSession.create({ data: { adminId: admin.id, tokenHash: hashSecret(token), expiresAt } });
const tags = await prisma.tag.findMany({ where: { organizationId }, select: { id: true }, orderBy: { name: 'asc' } });

const app = createApp({
  prisma,
  databaseUrl: url,
  settings: { publicUrl: 'http://localhost', invitationTokenSecret: 'bench-secret-bench-secret-bench-secret' },
});
const http = createServer(app);
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
const browser = await chromium.launch({ executablePath: await sparticuz.executablePath(), args: sparticuz.args, headless: true });
const page = await (await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } })).newPage();
// The admin UI's session is an HttpOnly cookie: the bench hands the browser the one sign-in would set.
await page.context().addCookies([{ name: SESSION_COOKIE, value: token, url: base, httpOnly: true, sameSite: 'Strict' }]);

if (values.only !== 'import') {
  // Every request the page makes, as Chromium timed it: which phase (navigation or filter change) it belongs to,
  // its operation, when it started from that phase's start, its time to the first byte (the server's time, on
  // localhost) and to the last. The body is kept to replay each operation alone (statements, server time).
  type Phase = 'navigation' | 'filter change';
  interface Timed {
    phase: Phase;
    run: number;
    operation: string;
    body: string | null;
    /** Since the epoch. */
    start: number;
    ttfb: number;
    total: number;
  }
  // Each phase's start (since the epoch); a request belongs to the last phase started before it.
  const phases: { name: Phase; run: number; startedAt: number }[] = [];
  let listening = false;
  const timed: Timed[] = [];
  page.on('requestfinished', (request) => {
    if (!listening || !['fetch', 'xhr'].includes(request.resourceType())) return;
    const timing = request.timing();
    const body = request.postData();
    const operation = body
      ? ((JSON.parse(body) as { operationName?: string }).operationName ?? 'anonymous')
      : `${request.method()} ${new URL(request.url()).pathname}`;
    const phase = phases.findLast((p) => p.startedAt <= timing.startTime) ?? phases[0]!;
    timed.push({
      phase: phase.name,
      run: phase.run,
      operation,
      body,
      start: timing.startTime,
      ttfb: timing.responseStart - timing.requestStart,
      total: timing.responseEnd,
    });
  });

  const g = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
  const firstTable: number[] = [];
  const filterChange: number[] = [];
  const filterCount: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    listening = true;
    const navigation = { name: 'navigation' as const, run: i, startedAt: Date.now() };
    phases.push(navigation);
    // A different tag each run, so that neither the browser nor urql has the page cached.
    const tag = tags[i % tags.length]!;
    await page.goto(`/admin/profiles?tag=${encodeURIComponent(g('Tag', tag.id))}&page=1&run=${i}`);
    await page.getByRole('table', { name: 'Profiles' }).getByRole('row').nth(1).waitFor({ timeout: 30_000 });
    // Milliseconds since the navigation started (performance.timeOrigin), when the first rows are on screen.
    const shown = await page.evaluate(() => performance.now());
    navigation.startedAt = await page.evaluate(() => performance.timeOrigin);
    // A filter change: tick a status; timed until the table shows the new rows (the goal), and until its total shows the new
    // count (which may come after the rows). The total of the first table must be there before the click.
    const before = await page.getByText(/ of [\d,]+ profiles?$/).textContent();
    const rowsBefore = await page.getByRole('table', { name: 'Profiles' }).locator('tbody').textContent();
    // In the page (a string: tsx would add helpers the page does not have): click, then wait frame by frame for the new rows and total.
    const [changed, counted, clickedAt] = (await page.evaluate(`(async () => {
    const label = ${JSON.stringify(['Pending', 'Validated', 'Not invited'][i % 3])};
    const previous = ${JSON.stringify(before)};
    const previousRows = ${JSON.stringify(rowsBefore)};
    const input = [...document.querySelectorAll('input[type=checkbox]')].find((el) => el.labels && el.labels[0] && el.labels[0].textContent.startsWith(label));
    const total = () => { const p = [...document.querySelectorAll('p')].find((el) => / of [\\d,]+ profiles?$/.test(el.textContent || '')); return p && p.textContent; };
    const rows = () => { const body = document.querySelector('table[aria-label="Profiles"] tbody'); return body && body.textContent; };
    const started = performance.now();
    input.click();
    while (rows() === previousRows) await new Promise((resolve) => requestAnimationFrame(resolve));
    const shownRows = performance.now() - started;
    while (total() === previous) await new Promise((resolve) => requestAnimationFrame(resolve));
    return [shownRows, performance.now() - started, performance.timeOrigin + started];
  })()`)) as [number, number, number];
    phases.push({ name: 'filter change', run: i, startedAt: clickedAt });
    // Let the requests the change started finish (a count may come after the rows), before the next navigation.
    await page.waitForLoadState('networkidle');
    listening = false;
    if (i === 0) continue; // warm-up (first Chromium start, cold caches)
    firstTable.push(shown);
    filterChange.push(changed);
    filterCount.push(counted);
  }
  console.log(`\nAdmin UI over ${profiles.toLocaleString('en-US')} profiles, median of ${runs} (Chromium headless, ${base}):`);
  console.log(`  Profiles page, first table after navigation: ${median(firstTable).toFixed(0)} ms  (runs: ${firstTable.map((t) => t.toFixed(0)).join(', ')})`);
  console.log(
    `  filter change → new rows:                    ${median(filterChange).toFixed(0)} ms  (runs: ${filterChange.map((t) => t.toFixed(0)).join(', ')})`,
  );
  console.log(
    `  filter change → new count:                   ${median(filterCount).toFixed(0)} ms  (runs: ${filterCount.map((t) => t.toFixed(0)).join(', ')})`,
  );
  console.log(`\n  Each request (Chromium's timing, median over the runs; "starts" from navigation start or the click):`);
  console.log(`  phase           operation                     n   starts   server (TTFB)   total`);
  // Each request in the last phase started before it (the filter change's start is known only once it is over).
  const phaseOf = (r: Timed) => phases.findLast((p) => p.startedAt <= r.start) ?? phases[0]!;
  const attributed = timed.map((r) => ({ ...r, phase: phaseOf(r).name, run: phaseOf(r).run, startedAt: r.start - phaseOf(r).startedAt }));
  const measured = attributed.filter((r) => r.run > 0);
  for (const name of ['navigation', 'filter change'] as const) {
    const operations = [...new Set(measured.filter((r) => r.phase === name).map((r) => r.operation))];
    for (const operation of operations) {
      const rows = measured.filter((r) => r.phase === name && r.operation === operation);
      console.log(
        `  ${name.padEnd(14)}  ${operation.padEnd(26)} ${String(rows.length).padStart(4)} ${median(
          rows.map((r) => r.start - phases.find((p) => p.run === r.run && p.name === r.phase)!.startedAt),
        )
          .toFixed(0)
          .padStart(6)} ms ${median(rows.map((r) => r.ttfb))
          .toFixed(0)
          .padStart(8)} ms ${median(rows.map((r) => r.total))
          .toFixed(0)
          .padStart(9)} ms`,
      );
    }
  }
  // Each GraphQL operation of the last run, replayed alone (nothing else in flight): its SQL statements and their time.
  console.log(`\n  Each GraphQL operation of the last run, replayed alone: SQL statements (their time in PostgreSQL, as Prisma reports it)`);
  const last = new Map(attributed.filter((r) => r.run === runs && r.body).map((r) => [`${r.phase}: ${r.operation}`, r.body!]));
  for (const [name, body] of last) {
    recording = [];
    const started = performance.now();
    await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    }).then((response) => response.text());
    const ms = performance.now() - started;
    const statements = recording;
    recording = null;
    const sqlMs = statements.reduce((sum, s) => sum + s.ms, 0);
    console.log(
      `  ${name.padEnd(42)} ${ms.toFixed(0).padStart(6)} ms over HTTP, ${statements.length} statements, ${sqlMs.toFixed(0)} ms in SQL (${statements.map((s) => s.ms.toFixed(0)).join(' + ')})`,
    );
  }
  console.log(`\n  JavaScript: ${(jsGzip / 1024).toFixed(1)} kB gzipped (${js.length} file), CSS ${(cssGzip / 1024).toFixed(1)} kB gzipped`);
}
const importOk = values.only === 'ui' || (await benchImport(prisma, base, page));
await browser.close();
http.close();
await db.close();
process.exit(importOk ? 0 : 1);
