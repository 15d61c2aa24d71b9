import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The real server, started as `npm start` starts it (server/app/main.ts: migrations,
// demo seed, worker, HTTP), in a child process on a free port, with its own
// database on the tests' PostgreSQL and emails sent to a fake Postmark.

export interface RunningServer {
  url: string;
  databaseUrl: string;
  demo: { adminEmail: string; adminPassword: string; apiKey: string };
  output: () => string;
  stop(): Promise<void>;
}

import { freePort } from '../../server/database/free-port.ts';
import { createClient } from '../../server/database/connections.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function startServer(options: {
  postgresServerUrl: string;
  postmark: { url: string; token: string };
  webhookPassword: string;
}): Promise<RunningServer> {
  const database = `parkpass_test_sdk_${randomBytes(4).toString('hex')}`;
  const admin = createClient('test', options.postgresServerUrl);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const databaseUrl = new URL(options.postgresServerUrl);
  databaseUrl.pathname = `/${database}`;

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/app/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
      DATABASE_URL: databaseUrl.toString(),
      PARKPASS_DATA_DIR: await mkdtemp(path.join(tmpdir(), 'parkpass-sdk-')),
      POSTMARK_SERVER_TOKEN: options.postmark.token,
      POSTMARK_API_URL: options.postmark.url,
      POSTMARK_WEBHOOK_PASSWORD: options.webhookPassword,
      INVITATION_TOKEN_SECRET: randomBytes(32).toString('base64url'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The server did not start:\n${output}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`The server exited (${code}):\n${output}`)));
    const check = setInterval(() => {
      if (output.includes('Parkpass API ready') && output.includes('Demo API key')) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 50);
  });
  const [, adminEmail, adminPassword] = /Demo admin:\s+(\S+) \/ (\S+)/.exec(output)!;
  const [, apiKey] = /Demo API key:\s+(\S+)/.exec(output)!;

  return {
    url,
    databaseUrl: databaseUrl.toString(),
    demo: { adminEmail: adminEmail!, adminPassword: adminPassword!, apiKey: apiKey! },
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
