// npm run seed -- --profiles 100000
// Adds an organization with that many profiles to the database the server uses
// (DATABASE_URL, or the embedded one in .data/), and prints its API key.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../database/index.ts';
import { seedLargeOrganization } from './large-seed.ts';

const { values } = parseArgs({ options: { profiles: { type: 'string', default: '100000' } } });
const count = Number(values.profiles);
if (!Number.isInteger(count) || count < 1) {
  console.error('usage: npm run seed -- --profiles <count>');
  process.exit(1);
}
const database = await openDatabase(loadConfig());
try {
  const started = Date.now();
  const seeded = await seedLargeOrganization(database.prisma, count, (done) => process.stdout.write(`\r${done} / ${count} profiles`));
  console.log(`\nCreated organization ${seeded.organizationId} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  console.log(`API key: ${seeded.apiKey}`);
} finally {
  await database.close();
}
