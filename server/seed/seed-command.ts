// npm run seed -- --profiles 100000 [--plan ENTERPRISE]
// Adds an organization with that many profiles to the database the server uses
// (DATABASE_URL, or the embedded one in .data/, shared with `npm start` while it
// runs), and prints its API key.
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../app/config.ts';
import { openDatabase } from '../database/index.ts';
import { OperatorError, parsePlan } from '../operator/operator-service.ts';
import { seedLargeOrganization } from './large-seed.ts';

const USAGE = 'usage: npm run seed -- --profiles <count> [--plan STARTER|BUSINESS|ENTERPRISE]';
let options: { count: number; plan: ReturnType<typeof parsePlan> };
try {
  const { values } = parseArgs({ options: { profiles: { type: 'string', default: '100000' }, plan: { type: 'string', default: 'ENTERPRISE' } } });
  const count = Number(values.profiles);
  if (!Number.isInteger(count) || count < 1) throw new OperatorError(`--profiles must be a whole number above 0 (got "${values.profiles}").`);
  options = { count, plan: parsePlan(values.plan) };
} catch (error) {
  console.error(`error: ${(error as Error).message}\n${USAGE}`);
  process.exit(1);
}
const { count, plan } = options;
const database = await openDatabase(loadConfigOrExit('database'), { shareRunningServer: true });
try {
  const started = Date.now();
  const seeded = await seedLargeOrganization(database.prisma, count, (done) => process.stdout.write(`\r${done} / ${count} profiles`), plan);
  console.log(`\nCreated organization ${seeded.organizationId} (${plan}) in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  console.log(`API key: ${seeded.apiKey}${plan === 'STARTER' ? ' (the STARTER plan has no API access: sign in as an admin instead)' : ''}`);
} finally {
  await database.close();
}
