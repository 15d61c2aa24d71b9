// PostgreSQL's side of a benchmark, per unit of work (`bench:scim -- --pg-profile`): what each statement costs
// (pg_stat_statements, nested ones included: triggers' statements), the WAL each relation got (pg_walinspect: a
// table's rows, each of its indexes' entries, commit records), the WAL flushes, and the CPU of each kind of
// PostgreSQL process. Needs the server started with `statementStatistics` (bench-database.ts).
import type { PrismaClient } from '../server/database/prisma.ts';
import { postgresCpuByProcess } from './bench-kit.ts';

export async function startPostgresProfile(prisma: PrismaClient) {
  await prisma.$executeRawUnsafe('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await prisma.$executeRawUnsafe('CREATE EXTENSION IF NOT EXISTS pg_walinspect');
  await prisma.$executeRawUnsafe('SELECT pg_stat_statements_reset()');
  await prisma.$executeRawUnsafe(`SELECT pg_stat_reset_shared('wal')`);
  const walPosition = async () => (await prisma.$queryRawUnsafe<{ lsn: string }[]>('SELECT pg_current_wal_insert_lsn()::text AS lsn'))[0]!.lsn;
  const start = await walPosition();
  const cpuBefore = postgresCpuByProcess();

  /** The profile since the start, per `units` (users), as Markdown tables. */
  async function finish(units: number): Promise<string> {
    const cpuAfter = postgresCpuByProcess();
    const end = await walPosition();
    const statements = await prisma.$queryRawUnsafe<Record<string, number | string>[]>(`
      SELECT regexp_replace(query, '\\s+', ' ', 'g') AS query, calls::float8 AS calls, total_exec_time AS ms, total_plan_time AS plan_ms, plans::float8 AS plans, rows::float8 AS rows,
             (shared_blks_hit + shared_blks_read)::float8 AS blocks, shared_blks_dirtied::float8 AS dirtied,
             wal_records::float8 AS wal_records, wal_fpi::float8 AS wal_fpi, wal_bytes::float8 AS wal_bytes, toplevel
      FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%'
      ORDER BY total_exec_time + total_plan_time DESC LIMIT 14`);
    const relations = await prisma.$queryRawUnsafe<Record<string, number | string>[]>(`
      SELECT coalesce(c.relname, b.relfilenode::text) AS relation, coalesce(c.relkind::text, '') AS kind,
             coalesce(am.amname, '') AS method, count(*)::float8 AS blocks, sum(b.block_data_length + b.block_fpi_length)::float8 AS bytes,
             count(*) FILTER (WHERE b.block_fpi_length > 0)::float8 AS fpi
      FROM pg_get_wal_block_info('${start}', '${end}') b
      LEFT JOIN pg_class c ON c.relfilenode = b.relfilenode AND b.reldatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
      LEFT JOIN pg_am am ON am.oid = c.relam
      GROUP BY 1, 2, 3 ORDER BY bytes DESC LIMIT 24`);
    const managers = await prisma.$queryRawUnsafe<Record<string, number | string>[]>(`
      SELECT "resource_manager/record_type" AS manager, count::float8 AS records, (record_size + fpi_size)::float8 AS bytes
      FROM pg_get_wal_stats('${start}', '${end}') WHERE count > 0 ORDER BY bytes DESC`);
    const [wal] = await prisma.$queryRawUnsafe<Record<string, number>[]>(`
      SELECT wal_records::float8 AS records, wal_fpi::float8 AS fpi, wal_bytes::float8 AS bytes, wal_write::float8 AS writes,
             wal_sync::float8 AS syncs, wal_write_time AS write_ms, wal_sync_time AS sync_ms FROM pg_stat_wal`);
    const per = (value: unknown, digits = 2) => (Number(value) / units).toFixed(digits);
    const each = (value: unknown, calls: unknown, digits = 1) => (Number(value) / Number(calls)).toFixed(digits);
    const lines = [`\n### PostgreSQL per user (${units.toLocaleString('en-US')} users provisioned)\n`];
    lines.push(
      "| statement (top level, or nested: a trigger's) | calls per user | ms per call: planning + execution (plans made per call) | rows per call | blocks per call (dirtied) | WAL records / bytes per call (full pages) |",
    );
    lines.push('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const s of statements) {
      lines.push(
        `| ${s.toplevel ? '' : '(nested) '}${String(s.query).slice(0, 160).replaceAll('|', '\\|')} | ${per(s.calls)} | ${each(s.plan_ms, s.calls, 3)} + ${each(s.ms, s.calls, 3)} (${each(s.plans, s.calls, 2)}) | ${each(s.rows, s.calls)} | ${each(s.blocks, s.calls)} (${each(s.dirtied, s.calls)}) | ${each(s.wal_records, s.calls)} / ${each(s.wal_bytes, s.calls, 0)} (${each(s.wal_fpi, s.calls, 2)}) |`,
      );
    }
    lines.push('\n| WAL by relation | kind | blocks per user | bytes per user | full-page images per user |');
    lines.push('| --- | --- | ---: | ---: | ---: |');
    for (const r of relations) {
      const kind = r.kind === 'i' ? `index (${r.method})` : r.kind === 'r' ? 'table' : r.kind === 't' ? 'TOAST' : String(r.kind || '?');
      lines.push(`| ${r.relation} | ${kind} | ${per(r.blocks)} | ${per(r.bytes, 0)} | ${per(r.fpi)} |`);
    }
    lines.push('\n| WAL by resource manager | records per user | bytes per user |');
    lines.push('| --- | ---: | ---: |');
    for (const m of managers) lines.push(`| ${m.manager} | ${per(m.records)} | ${per(m.bytes, 0)} |`);
    if (wal) {
      lines.push(
        `\nWAL per user: ${per(wal.records, 1)} records, ${per(wal.bytes, 0)} bytes (${per(wal.fpi)} full pages); ` +
          `${per(wal.syncs)} flushes (fsync) per user, ${each(wal.sync_ms, wal.syncs, 2)} ms each; ${per(wal.writes)} writes, ${each(wal.write_ms, wal.writes, 2)} ms each.`,
      );
    }
    if (cpuBefore && cpuAfter) {
      lines.push('\n| PostgreSQL CPU by process | ms per user |');
      lines.push('| --- | ---: |');
      const rows = [...cpuAfter].map(([kind, ms]) => [kind, ms - (cpuBefore.get(kind) ?? 0)] as const).filter(([, ms]) => ms > 0);
      for (const [kind, ms] of rows.sort((a, b) => b[1] - a[1])) lines.push(`| ${kind} | ${per(ms)} |`);
    }
    return lines.join('\n');
  }
  return { finish };
}
