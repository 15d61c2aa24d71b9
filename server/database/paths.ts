import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the files the server reads at run time are (migrations, email
 * templates, the admin UI, the playground's examples), whatever the current
 * directory: the repository, two levels up from this file in the sources
 * (server/database/); the build, one level up from the bundle (dist/server/),
 * where `npm run build` copies them at the same relative paths.
 */
export const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), import.meta.url.endsWith('.ts') ? '../..' : '..');
export const schemaPath = path.join(rootDir, 'prisma/schema.prisma');
export const migrationsDir = path.join(rootDir, 'prisma/migrations');
/** Where the embedded PostgreSQL keeps its clusters (git-ignored). */
export const dataDir = path.join(rootDir, '.data');
