import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ViewerDocument } from '../../sdk/src/generated/graphql.ts';
import { jobQueueReader } from '../app/observability-wiring.ts';
import { freePort } from '../database/free-port.ts';
import { createRateLimits, DEFAULT_RATE_LIMITS } from '../security/rate-limits.ts';
import { createApp } from '../app/yoga.ts';
import { TEST_PUBLIC_URL, useTestKit } from '../test/kit.ts';
import { productionConfig } from '../test/production.ts';
import { connectDirectory, useScimServer } from '../test/scim-client.ts';
import { observeJobQueue, startMetricsServer } from './metrics.ts';
import { ConfigError } from '../app/config.ts';

// The metrics an operator scrapes, on their own port: each family the
// dashboards in docs/operations.md query moves when its event happens.

const kit = useTestKit();
const scimServer = useScimServer(kit);
let server: Server;
let url: string;
beforeAll(async () => {
  const port = await freePort();
  server = await startMetricsServer(port, '127.0.0.1');
  url = `http://127.0.0.1:${port}/metrics`;
  observeJobQueue(jobQueueReader(kit.prisma));
});
afterAll(() => new Promise((resolve) => server?.close(resolve)));

/** The value of one series in the scraped text, 0 when absent. */
function seriesValue(text: string, series: string): number {
  const line = text.split('\n').find((each) => each.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('/metrics on its own port', () => {
  it('counts requests, latency, errors, rate-limit refusals, SCIM calls, emails, jobs, the queue and the pools', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    await org.api.viewer();
    await kit.as('ppk_nosuchkey0123456789').send(ViewerDocument, {});
    // A budget of one point a minute: the second call is refused.
    const tight = createApp({
      prisma: kit.prisma,
      databaseUrl: kit.worker.connectionString,
      clock: kit.clock,
      settings: kit.worker.settings,
      rateLimits: createRateLimits({ ...DEFAULT_RATE_LIMITS, pointsPerMinute: 1 }),
    });
    for (let call = 0; call < 2; call++) {
      await tight.fetch(`${TEST_PUBLIC_URL}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${org.apiKey}` },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
    }
    const scim = await connectDirectory(kit, scimServer, org);
    await scim.get('/Users');
    const [profileId] = await org.insertProfiles(1);
    await org.api.profileInvite(profileId!);
    const beforeJobs = await (await fetch(url)).text();
    await kit.runJobs();

    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(seriesValue(text, 'parkpass_requests_total{operation="query viewer",outcome="ok"}')).toBeGreaterThanOrEqual(1);
    expect(seriesValue(text, 'parkpass_requests_total{operation="graphql (not executed)",outcome="refused"}')).toBeGreaterThanOrEqual(1);
    expect(seriesValue(text, 'parkpass_errors_total{code="UNAUTHENTICATED"}')).toBeGreaterThanOrEqual(1);
    expect(seriesValue(text, 'parkpass_errors_total{code="RATE_LIMITED"}')).toBeGreaterThanOrEqual(1);
    expect(seriesValue(text, 'parkpass_rate_limit_refusals_total{budget="caller"}')).toBe(1);
    expect(seriesValue(text, 'parkpass_request_duration_seconds_count{operation="mutation profileInvite"}')).toBe(1);
    expect(seriesValue(text, 'parkpass_scim_requests_total{method="GET",status="2xx"}')).toBe(1);
    expect(seriesValue(text, 'parkpass_emails_total{outcome="sent"}')).toBe(1);
    expect(seriesValue(text, 'parkpass_jobs_total{task="deliver-emails",outcome="completed"}')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^parkpass_db_pool_connections\{pool="prisma",state="open"\} \d+/m);
    // Before the jobs ran, the email delivery job was waiting in the queue (due now, or in a moment).
    const waiting = ['ready', 'scheduled'].map((state) => seriesValue(beforeJobs, `parkpass_job_queue_depth{task="deliver-emails",state="${state}"}`));
    expect(waiting[0]! + waiting[1]!).toBeGreaterThanOrEqual(1);
    expect(beforeJobs).toMatch(/^parkpass_job_queue_oldest_seconds\{task="deliver-emails"\} [\d.e-]+$/m);
    // Only /metrics is served there.
    expect((await fetch(url.replace('/metrics', '/graphql'))).status).toBe(404);
  });

  it('is never on the public port: the app does not serve /metrics, and the same port for both is refused', async () => {
    expect((await kit.app.fetch(`${TEST_PUBLIC_URL}/metrics`)).status).toBe(404);
    expect(() => productionConfig({ PORT: '4100', PARKPASS_METRICS_PORT: '4100' })).toThrow(ConfigError);
    expect(productionConfig({ PORT: '4100', PARKPASS_METRICS_PORT: '4101' }).metrics).toEqual({ port: 4101, host: '127.0.0.1' });
    expect(productionConfig({}).metrics).toBeNull();
  });
});
