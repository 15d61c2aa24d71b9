import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Builds dist/server (npm run build's server part, esbuild: about a second) so the production tests run what start:prod runs. */
export default function buildServer() {
  execFileSync('npm', ['run', 'build', '--workspace', 'server', '--silent'], { cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: 'inherit' });
}
