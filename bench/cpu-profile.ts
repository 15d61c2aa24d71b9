// BENCH_CPU_PROF=<folder>: a CPU profile of part of a benchmark (this process: the server served in it and the
// bench's own client), written there as a .cpuprofile (open it in Chrome's DevTools or speedscope), and its self time
// by component printed under the table: where a request's fixed cost goes.
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The component a function belongs to, from its file (first match wins). */
const COMPONENTS: [string, (url: string, name: string) => boolean][] = [
  ['idle', (_url, name) => name === '(idle)'],
  ['garbage collection', (_url, name) => name === '(garbage collector)'],
  // On a busy machine, mostly time descheduled in the syscall: the write wakes PostgreSQL (or the client), which takes the core.
  ['socket writes (writev, write)', (url, name) => url === '' && (name === 'writev' || name === 'writeUtf8String' || name === 'writeBuffer')],
  ["Prisma's client, engine and adapter", (url) => /@prisma\/|generated\/prisma|\.prisma\//.test(url)],
  ['pg (node-postgres)', (url) => /node_modules\/(pg|pg-protocol|pg-types|pg-pool|postgres-array|postgres-date)\//.test(url)],
  ['graphql-js', (url) => url.includes('node_modules/graphql/')],
  ['Pothos', (url) => url.includes('node_modules/@pothos/')],
  ['yoga, envelop, whatwg-node', (url) => /node_modules\/(graphql-yoga|@graphql-yoga|@envelop|@whatwg-node|@graphql-tools|@repeaterjs|dset)\//.test(url)],
  ['the bench client (fetch, meros)', (url) => /undici|node_modules\/meros\//.test(url)],
  ['the bench itself', (url) => url.includes('/bench/')],
  ['our server code', (url) => url.includes('/server/')],
  ['AsyncLocalStorage, async hooks', (url) => /async_hooks|async_local_storage/.test(url)],
  ["Node's HTTP and net", (url) => /node:(_http|http|net|internal\/(http|stream_base|net|child_process))/.test(url)],
  ['other node_modules', (url) => url.includes('node_modules/')],
  ['other Node internals', (url) => url.startsWith('node:')],
  ['native (JSON, writev, …) and program', () => true],
];

/** Self time per component, in ms, busiest first (idle left out). */
export function selfTimeByComponent(profile: CpuProfile): { component: string; ms: number }[] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  for (const [i, sample] of profile.samples.entries()) {
    const frame = nodes.get(sample)!.callFrame;
    const component = COMPONENTS.find(([, matches]) => matches(frame.url, frame.functionName))![0];
    totals.set(component, (totals.get(component) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  totals.delete('idle');
  return [...totals].map(([component, ms]) => ({ component, ms })).sort((a, b) => b.ms - a.ms);
}

/**
 * Starts profiling this process when BENCH_CPU_PROF names a folder (else does nothing); `stop(label, requests)` writes
 * the profile and returns lines of its CPU per request by component (empty without BENCH_CPU_PROF).
 */
export async function startCpuProfile(): Promise<{ stop(label: string, requests: number): Promise<string[]> }> {
  const folder = process.env.BENCH_CPU_PROF;
  if (!folder) return { stop: async () => [] };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const cpuBefore = process.cpuUsage();
  return {
    async stop(label, requests) {
      const cpu = process.cpuUsage(cpuBefore);
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
      session.disconnect();
      await mkdir(folder, { recursive: true });
      const file = path.join(folder, `${label.replace(/[^a-z0-9]+/gi, '-')}-${Date.now()}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      const parts = selfTimeByComponent(profile);
      const busy = parts.reduce((sum, part) => sum + part.ms, 0);
      return [
        `CPU profile of ${label} (${file}): this process's CPU time ${((cpu.user + cpu.system) / 1000 / requests).toFixed(2)} ms per request ` +
          `(user + system, all threads, the profiler's own sampling included); sampled ${(busy / requests).toFixed(2)} ms busy per request, by component (self time; on a busy ` +
          'machine the samples count time descheduled too, mostly in socket writes):',
        '',
        '| component | ms per request | share |',
        '| --- | ---: | ---: |',
        ...parts.map((part) => `| ${part.component} | ${(part.ms / requests).toFixed(2)} | ${((part.ms / busy) * 100).toFixed(1)} % |`),
      ];
    },
  };
}
