import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { rootDir } from '../database/paths.ts';
import { TEMPLATE_DATABASE } from '../test/global-setup.ts';
import { builtServerExit, freshDatabase, productionConfig } from '../test/production.ts';

// Production started without DATABASE_URL (an embedded PostgreSQL, superuser
// postgres/postgres) and without PUBLIC_URL (email links to http://localhost,
// the mailbox cookie not Secure). Now it refuses to start, naming every missing
// setting in one line; and the operator's commands ask only for the database.

const run = promisify(execFile);

describe('production refuses to start without the settings it must have', () => {
  it('names every missing setting at once, in one line', () => {
    const refusal = () => loadConfig({ NODE_ENV: 'production' });
    expect(refusal).toThrow(/^Invalid configuration: [^\n]+\.$/);
    for (const name of ['DATABASE_URL', 'PUBLIC_URL', 'INVITATION_TOKEN_SECRET', 'POSTMARK_SERVER_TOKEN']) {
      expect(refusal).toThrow(`${name}: required in production`);
    }
  });

  it('refuses an embedded PostgreSQL: DATABASE_URL is required', () => {
    expect(() => productionConfig({ DATABASE_URL: undefined })).toThrow(/^Invalid configuration: DATABASE_URL: required in production[^;]*\.$/);
    expect(() => productionConfig({ DATABASE_URL: '' })).toThrow('DATABASE_URL: required in production');
    expect(productionConfig().databaseUrl).toBe('postgres://parkpass@127.0.0.1:9/parkpass');
  });

  it('wants an https PUBLIC_URL, or an explicit opt-out for a staging server without TLS', () => {
    expect(() => productionConfig({ PUBLIC_URL: undefined })).toThrow(/^Invalid configuration: PUBLIC_URL: required in production[^;]*\.$/);
    expect(() => productionConfig({ PUBLIC_URL: 'http://parkpass.example.com' })).toThrow(
      'PUBLIC_URL: must be https in production, or set PARKPASS_ALLOW_HTTP_PUBLIC_URL=true',
    );
    expect(productionConfig({ PUBLIC_URL: 'http://staging.internal:4000', PARKPASS_ALLOW_HTTP_PUBLIC_URL: 'true' }).publicUrl).toBe(
      'http://staging.internal:4000',
    );
    expect(productionConfig({ PUBLIC_URL: 'https://parkpass.example.com/' }).publicUrl).toBe('https://parkpass.example.com');
    // Outside production, the local defaults stay.
    expect(loadConfig({}).publicUrl).toBe('http://localhost:4000');
  });

  it('the built server exits with code 1 and that one line, no stack trace, before starting any PostgreSQL', async () => {
    const { code, output } = await builtServerExit(inject('postgresServerUrl'), { DATABASE_URL: undefined, PUBLIC_URL: undefined });
    expect(code).toBe(1);
    expect(output.trim()).toMatch(/^Invalid configuration: DATABASE_URL: required in production .*; PUBLIC_URL: required in production .*\.$/);
    expect(output).not.toContain('    at ');
    expect(output).not.toContain('embedded PostgreSQL');
  });

  it('a DATABASE_URL that is not a postgres:// URL, or a database out of reach: one line and exit code 1, no stack trace', async () => {
    const notUrl = await builtServerExit(inject('postgresServerUrl'), { DATABASE_URL: 'notaurl' });
    expect(notUrl.code).toBe(1);
    expect(notUrl.output.trim()).toBe('Invalid configuration: DATABASE_URL: must be a postgres:// URL.');
    const unreachable = await builtServerExit(inject('postgresServerUrl'), { DATABASE_URL: 'postgres://parkpass:secret@127.0.0.1:9/parkpass' });
    expect(unreachable.code).toBe(1);
    // In production the log is JSON, one object a line: the attempt, then why it failed.
    const messages = unreachable.output
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toEqual(['Connecting to DATABASE_URL…', expect.stringMatching(/^Cannot open the database at DATABASE_URL: .*ECONNREFUSED/)]);
    expect(unreachable.output).not.toContain('    at ');
    expect(unreachable.output).not.toContain('secret');
  });

  it('a DIRECT_DATABASE_URL out of reach (DATABASE_URL fine) is named as such: migrations open the database through it', async () => {
    const unreachable = await builtServerExit(inject('postgresServerUrl'), { DIRECT_DATABASE_URL: 'postgres://parkpass:secret@127.0.0.1:9/parkpass' });
    expect(unreachable.code).toBe(1);
    const messages = unreachable.output
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages.at(-1)).toMatch(/^Cannot open the database at DIRECT_DATABASE_URL: .*ECONNREFUSED/);
    expect(unreachable.output).not.toContain('secret');
  });
});

describe('npm run org in production', () => {
  async function org(env: Record<string, string>, ...args: string[]) {
    const childEnv = { PATH: process.env.PATH, NODE_ENV: 'production', ...env };
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'server/operator/org-command.ts', ...args], {
        cwd: rootDir,
        env: childEnv,
        timeout: 60_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it('needs DATABASE_URL only: no Postmark token, token secret or public URL', async () => {
    const databaseUrl = await freshDatabase(inject('postgresServerUrl'), TEMPLATE_DATABASE);
    const listed = await org({ DATABASE_URL: databaseUrl }, 'list');
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('No organizations yet');

    const refused = await org({}, 'list');
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toMatch(/^error: Invalid configuration: DATABASE_URL: required in production[^;]*\.$/);
    expect(loadConfig({ NODE_ENV: 'production', DATABASE_URL: databaseUrl }, 'database').databaseUrl).toBe(databaseUrl);
  });
});
