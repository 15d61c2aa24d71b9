// The CSV import of bench/admin-ui.ts: a French Excel file of 10,000 rows
// (BOM, ";" separators, accented French headers, 3 bad rows), on a fresh
// organization each time:
//   1. in Chromium, as an office manager does it: choose the file, Preview
//      (the server's dry run), Apply; timed from the click to the counts shown;
//   2. in Node, through the very modules the page runs (papaparse,
//      prepareImport, runImport), on a second organization: the dry run's
//      answer and the write's compared row by row, then a second write that
//      must change nothing.
import { loadavg } from 'node:os';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { Client, fetchExchange } from 'urql';
import { guessMapping } from '../admin/src/pages/import/csv-rules.ts';
import { countOutcomes, prepareImport, runImport } from '../admin/src/pages/import/import-run.ts';
import { hashSecret } from '../server/auth/api-keys.ts';
import { newSessionToken, SESSION_LIFETIME_MS } from '../server/auth/sessions.ts';
import { SESSION_COOKIE } from '../server/pages/admin-session.ts';
import type { PrismaClient } from '../server/database/prisma.ts';

const ROWS = 10_000;
const DRY_RUN_LIMIT_MS = 5_000;
const APPLY_LIMIT_MS = 30_000;

/** The file: 9,997 good rows and 3 bad ones (an invalid email, a formula, an unknown tag), in a French Excel's dialect. */
export function frenchExcelFile(): Buffer {
  const lines = ['Matricule;Prénom;Nom;Adresse e-mail;Téléphone;Étiquettes;Parkings'];
  for (let i = 0; i < ROWS - 3; i++)
    lines.push(`M${i};Hélène${i};Lefèvre${i};helene.lefevre${i}@bench-import.test;+33 6 12 34 ${String(i % 100).padStart(2, '0')} 00;Tag 1;Lot 1`);
  lines.push('X1;Anne;Mauvaise;pas-une-adresse;;;', 'X2;=SOMME(A1);Formule;formule@bench-import.test;;;', 'X3;Tom;Étiquette;tom@bench-import.test;;Inconnue;');
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\r\n'), 'utf8')]);
}

async function freshOrganization(prisma: PrismaClient, name: string) {
  const organization = await prisma.organization.create({
    data: {
      name,
      plan: 'ENTERPRISE',
      parkingLots: { create: [{ name: 'Lot 1' }, { name: 'Lot 2' }] },
      tags: { create: [{ name: 'Tag 1' }, { name: 'Tag 2' }] },
    },
  });
  const admin = await prisma.admin.create({
    data: { organizationId: organization.id, email: `owner@${organization.id}.test`, name: 'Bench owner', role: 'OWNER', passwordHash: 'not-a-password' },
  });
  const token = newSessionToken();
  const expiresAt = new Date(Date.now() + SESSION_LIFETIME_MS);
  await prisma.adminSession.create({ data: { adminId: admin.id, tokenHash: hashSecret(token), expiresAt } });
  return { organizationId: organization.id, token, expiresAt };
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

export async function benchImport(prisma: PrismaClient, base: string, page: Page): Promise<boolean> {
  const file = frenchExcelFile();
  let ok = true;
  const verdict = (pass: boolean) => {
    ok &&= pass;
    return pass ? 'ok' : 'FAILED';
  };

  // 1. In the browser.
  const first = await freshOrganization(prisma, 'Bench import (browser)');
  await page.context().addCookies([{ name: SESSION_COOKIE, value: first.token, url: base, httpOnly: true, sameSite: 'Strict' }]);
  await page.goto(`${base}/admin/sign-in`);
  await page.evaluate(() => localStorage.setItem('parkpass.admin.locale', 'en'));
  await page.goto(`${base}/admin/profiles/import`);
  await page.locator('input[type=file]').setInputFiles({ name: 'salariés.csv', mimeType: 'text/csv', buffer: file });
  await page.getByRole('button', { name: 'Preview' }).waitFor();
  const counts = page.getByTestId('import-counts');
  let started = performance.now();
  await page.getByRole('button', { name: 'Preview' }).click();
  await counts.waitFor({ timeout: 120_000 });
  const dryRunMs = performance.now() - started;
  const previewText = await counts.textContent();
  const loadAfterDryRun = load();
  await page.getByRole('button', { name: /^Apply: write/ }).click();
  started = performance.now();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: /^Apply: write/ })
    .click();
  await page.getByText(/ created, .* updated, /).waitFor({ timeout: 300_000 });
  const applyMs = performance.now() - started;
  const resultText = await counts.textContent();
  const loadAfterApply = load();
  const written = await prisma.profile.count({ where: { organizationId: first.organizationId } });

  console.log(`\nCSV import, ${ROWS.toLocaleString('en-US')} rows (BOM, ";", French headers, 3 bad rows), in Chromium:`);
  console.log(`  what                      measured     limit   verdict  load average (1, 5, 15 min)`);
  console.log(
    `  dry run (Preview)       ${(dryRunMs / 1000).toFixed(2).padStart(8)} s  ${(DRY_RUN_LIMIT_MS / 1000).toFixed(0).padStart(5)} s   ${verdict(dryRunMs < DRY_RUN_LIMIT_MS).padEnd(7)}  ${loadAfterDryRun}`,
  );
  console.log(
    `  apply                   ${(applyMs / 1000).toFixed(2).padStart(8)} s  ${(APPLY_LIMIT_MS / 1000).toFixed(0).padStart(5)} s   ${verdict(applyMs < APPLY_LIMIT_MS).padEnd(7)}  ${loadAfterApply}`,
  );
  console.log(`  preview: ${previewText}`);
  console.log(`  result:  ${resultText}  (${written.toLocaleString('en-US')} profiles in the organization: ${verdict(written === ROWS - 3)})`);

  // 2. In Node, with the page's own modules: the preview equals the result row by row; a second write changes nothing.
  const second = await freshOrganization(prisma, 'Bench import (row by row)');
  const client = new Client({ url: `${base}/graphql`, exchanges: [fetchExchange], preferGetMethod: false });
  const lookups = async (table: 'parkingLot' | 'tag') => {
    const rows =
      table === 'tag'
        ? await prisma.tag.findMany({ where: { organizationId: second.organizationId } })
        : await prisma.parkingLot.findMany({ where: { organizationId: second.organizationId } });
    const type = table === 'tag' ? 'Tag' : 'ParkingLot';
    return new Map(rows.map((row) => [row.name.toLowerCase(), Buffer.from(`${type}:${row.id}`).toString('base64')]));
  };
  const parsed = Papa.parse<string[]>(file.toString('utf8').replace(/^\uFEFF/, ''), { delimitersToGuess: [';', ','], skipEmptyLines: 'greedy' });
  const [headers, ...rows] = parsed.data;
  const prepared = prepareImport(headers!, rows, guessMapping(headers!), await lookups('parkingLot'), await lookups('tag'));
  const run = (dryRun: boolean) =>
    runImport({ client, token: second.token, prepared, dryRun, runId: `bench.${crypto.randomUUID()}`, onProgress: () => undefined });
  let t0 = performance.now();
  const preview = await run(true);
  const nodeDryRunMs = performance.now() - t0;
  t0 = performance.now();
  const result = await run(false);
  const nodeApplyMs = performance.now() - t0;
  const differing = preview.filter((row, i) => {
    const other = result[i]!;
    return row.outcome !== other.outcome || JSON.stringify(row.reason) !== JSON.stringify(other.reason);
  });
  const again = countOutcomes(await run(false));
  const c = countOutcomes(result);
  console.log(
    `  row by row (Node, the page's modules, no browser): dry run ${(nodeDryRunMs / 1000).toFixed(2)} s, write ${(nodeApplyMs / 1000).toFixed(2)} s (load ${load()})`,
  );
  console.log(
    `    dry run vs write: ${differing.length} of ${preview.length} rows differ  ${verdict(differing.length === 0)}  (${c.CREATED} created, ${c.UPDATED} updated, ${c.UNCHANGED} unchanged, ${c.INVALID} invalid)`,
  );
  console.log(
    `    second write: ${again.CREATED} created, ${again.UPDATED} updated, ${again.UNCHANGED} unchanged, ${again.INVALID} invalid  ${verdict(again.CREATED === 0 && again.UPDATED === 0)}`,
  );
  return ok;
}
