import { defineConfig } from 'prisma/config';

// Prisma's CLI is used here only for `prisma generate` (see the root package.json):
// migrations are applied by server/database/migrate.ts, because the CLI's schema
// engine binary cannot be downloaded on machines without internet access.
export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost/parkpass' },
});
