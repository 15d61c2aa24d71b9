import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

/**
 * Builds admin/dist before the tests when it is missing or older than its
 * sources (admin/src, index.html, the SDK's generated documents), so the
 * browser tests click the UI as it is now. npm install builds it too.
 */
export default function buildAdmin() {
  const built = (() => {
    try {
      return statSync(path.join(root, 'admin/dist/index.html')).mtimeMs;
    } catch {
      return 0;
    }
  })();
  const sources = Math.max(
    newest(path.join(root, 'admin/src')),
    statSync(path.join(root, 'admin/index.html')).mtimeMs,
    statSync(path.join(root, 'admin/vite.config.ts')).mtimeMs,
    statSync(path.join(root, 'sdk/src/generated/graphql.ts')).mtimeMs,
  );
  if (built > sources) return;
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: path.join(root, 'admin'), stdio: 'inherit' });
}
