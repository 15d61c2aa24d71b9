import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root, whatever the current directory: two levels up from this
 * file in the sources (server/database/) and from the compiled bundle (dist/server/).
 */
export const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const schemaPath = path.join(rootDir, 'prisma/schema.prisma');
export const migrationsDir = path.join(rootDir, 'prisma/migrations');
/** Where the embedded PostgreSQL keeps its clusters (git-ignored). */
export const dataDir = path.join(rootDir, '.data');
