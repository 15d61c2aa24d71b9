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

const { values } = parseArgs({ options: { profiles: { type: 'string', default: '100000' }, runs: { type: 'string', default: '10' } } });
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

const db = await openBenchDatabase(`bench_${count}`);
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

const g = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
const firstTable: number[] = [];
const filterChange: number[] = [];
for (let i = 0; i < runs + 1; i++) {
  // A different tag each run, so that neither the browser nor urql has the page cached.
  const tag = tags[i % tags.length]!;
  await page.goto(`/admin/profiles?tag=${encodeURIComponent(g('Tag', tag.id))}&page=1&run=${i}`);
  await page.getByRole('table', { name: 'Profiles' }).getByRole('row').nth(1).waitFor({ timeout: 30_000 });
  // Milliseconds since the navigation started (performance.timeOrigin), when the first rows are on screen.
  const shown = await page.evaluate(() => performance.now());
  // A filter change: tick a status, until the table's total shows the new count.
  const before = await page.getByText(/ of [\d,]+ profiles?$/).textContent();
  // In the page (a string: tsx would add helpers the page does not have): click, then wait frame by frame for the new total.
  const changed = (await page.evaluate(`(async () => {
    const label = ${JSON.stringify(['Pending', 'Validated', 'Not invited'][i % 3])};
    const previous = ${JSON.stringify(before)};
    const input = [...document.querySelectorAll('input[type=checkbox]')].find((el) => el.labels && el.labels[0] && el.labels[0].textContent.startsWith(label));
    const total = () => { const p = [...document.querySelectorAll('p')].find((el) => / of [\\d,]+ profiles?$/.test(el.textContent || '')); return p && p.textContent; };
    const started = performance.now();
    input.click();
    while (total() === previous) await new Promise((resolve) => requestAnimationFrame(resolve));
    return performance.now() - started;
  })()`)) as number;
  if (i === 0) continue; // warm-up (first Chromium start, cold caches)
  firstTable.push(shown);
  filterChange.push(changed);
}
console.log(`\nAdmin UI over ${profiles.toLocaleString('en-US')} profiles, median of ${runs} (Chromium headless, ${base}):`);
console.log(`  Profiles page, first table after navigation: ${median(firstTable).toFixed(0)} ms  (runs: ${firstTable.map((t) => t.toFixed(0)).join(', ')})`);
console.log(
  `  filter change → new table:                   ${median(filterChange).toFixed(0)} ms  (runs: ${filterChange.map((t) => t.toFixed(0)).join(', ')})`,
);
console.log(`  JavaScript: ${(jsGzip / 1024).toFixed(1)} kB gzipped (${js.length} file), CSS ${(cssGzip / 1024).toFixed(1)} kB gzipped`);
const importOk = await benchImport(prisma, base, page);
await browser.close();
http.close();
await db.close();
process.exit(importOk ? 0 : 1);
