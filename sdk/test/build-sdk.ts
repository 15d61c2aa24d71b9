import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Builds sdk/dist before the tests run, so the SDK's tests exercise what would be published. */
export default function buildSdk() {
  execFileSync('npm', ['run', 'build', '--workspace', 'sdk', '--silent'], { cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: 'inherit' });
}
