// npm run org -- create --name "Acme" --plan BUSINESS --owner owner@acme.test [--owner-name "Ada Owner"]
// npm run org -- set-plan --organization <id or exact name> --plan ENTERPRISE
// npm run org -- list
//
// The SaaS operator's command. It works on the server's own database: DATABASE_URL,
// or the embedded PostgreSQL of the data folder, which it uses while `npm start`
// runs (read from its postmaster.pid) and starts for itself otherwise.
import { parseArgs } from 'node:util';
import { loadConfig } from '../app/config.ts';
import { openDatabase } from '../database/index.ts';
import { createOrganizationWithOwner, listOrganizations, OperatorError, parsePlan, setPlan } from './operator-service.ts';

const USAGE = `usage:
  npm run org -- create --name <name> --plan STARTER|BUSINESS|ENTERPRISE --owner <email> [--owner-name <name>]
  npm run org -- set-plan --organization <id or exact name> --plan STARTER|BUSINESS|ENTERPRISE
  npm run org -- list`;

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      plan: { type: 'string' },
      owner: { type: 'string' },
      'owner-name': { type: 'string' },
      organization: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...extra] = positionals;
  if (values.help || !command) {
    if (values.help) return console.log(USAGE);
    throw new OperatorError('Say which command: create, set-plan or list.');
  }
  if (extra.length) throw new OperatorError(`Unexpected argument "${extra[0]}".`);
  if (!['create', 'set-plan', 'list'].includes(command)) throw new OperatorError(`Unknown command "${command}".`);
  // Checked before the database opens, so a typo answers at once.
  const plan = command === 'list' ? null : parsePlan(values.plan);

  // Only the database's settings: the operator's command sends no email and makes no link.
  const database = await openDatabase(loadConfig(process.env, 'database'), { shareRunningServer: true });
  try {
    if (command === 'create') {
      const created = await createOrganizationWithOwner(database.prisma, {
        name: values.name,
        plan: plan!,
        ownerEmail: values.owner,
        ownerName: values['owner-name'],
      });
      console.log(`Created the organization "${created.name}" (${created.organizationId}) on the ${created.plan} plan.`);
      console.log(`Its owner signs in with:\n  email:    ${created.ownerEmail}\n  password: ${created.ownerPassword}`);
      console.log('The password is shown this once (only its hash is stored): hand it over safely.');
    } else if (command === 'set-plan') {
      const organization = await setPlan(database.prisma, values.organization, plan!);
      console.log(`The organization "${organization.name}" (${organization.id}) is now on the ${organization.plan} plan.`);
    } else {
      const organizations = await listOrganizations(database.prisma);
      if (organizations.length === 0) console.log('No organizations yet: npm run org -- create …');
      for (const organization of organizations) {
        console.log(
          `${organization.id}  ${organization.plan.padEnd(10)}  ${String(organization._count.admins).padStart(3)} admins  ` +
            `${String(organization._count.profiles).padStart(7)} profiles  ${organization.name}`,
        );
      }
    }
  } finally {
    await database.close();
  }
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof OperatorError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
    console.error(`error: ${error.message}\n\n${USAGE}`);
  } else {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Not process.exitCode: a dependency resets it on the way out.
  process.exit(1);
}
