// `redis-learn bench`: parses the options, runs the benchmark in the session, prints the table and chart or JSON.
import { UsageError } from '../errors.js';
import { withSession, type GlobalOptions } from '../session.js';
import { c } from '../ui/theme.js';
import type { BenchResult } from '../benchmarks/report.js';
import type { ServerBench, ServersBenchReport } from '../benchmarks/compare.js';
import type { StrategyChoice } from '../benchmarks/strategies.js';
import { emitJson } from './output.js';

const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** Most records a run may load into a shared server without --force: beyond it a run can fill the server's memory. */
export const SHARED_RECORDS_LIMIT = 10_000_000;

/** The bench's options; --force lifts the record limit on a shared server. */
export interface BenchOptions {
  workload: 'users' | 'set';
  records: number;
  /** Comma-separated strategy names (default: all). */
  strategies?: string;
  batch?: number;
  ceiling?: boolean;
  force?: boolean;
  json?: boolean;
  /** `--servers a,b,c` / `all`: the same bench on a private server of each build, one after the other. */
  servers?: string;
}

function checkRecords(opts: BenchOptions): void {
  if (opts.records > SHARED_RECORDS_LIMIT && !opts.force) {
    throw new UsageError(
      `--records ${int(opts.records)} is over ${int(SHARED_RECORDS_LIMIT)}, the most bench loads into a shared server ` +
        `(it could fill its memory): add --force to go past it, or use --private`,
    );
  }
}

/** What the numbers say, computed from this run: the winner, and where the time per command goes. */
function takeaways(results: BenchResult[], unit: string): string[] {
  const ok = results.filter((r) => r.verified && r.seconds > 0);
  if (!ok.length) return [];
  const top = ok.reduce((a, b) => (b.recordsPerSec > a.recordsPerSec ? b : a));
  const name = (r: BenchResult) => (r.strategy === 'pipeline' ? `pipeline ${int(r.batch ?? 0)}` : r.strategy);
  const out = [`fastest: ${name(top)}, ${int(top.recordsPerSec)} ${unit}/s`];
  const seq = ok.find((r) => r.strategy === 'sequential');
  const pipe = ok.find((r) => r.strategy === 'pipeline' && r.batch === 1000);
  const vs = [
    seq && `${(top.recordsPerSec / seq.recordsPerSec).toFixed(0)}× sequential`,
    pipe && pipe !== top && `${(top.recordsPerSec / pipe.recordsPerSec).toFixed(1)}× pipeline 1,000`,
  ].filter(Boolean);
  if (vs.length) out[0] += ` (${vs.join(', ')})`;
  // CPU per command: what the client spends to send one command, against what Redis spends to run it.
  const perCommand = (r: BenchResult, cpu: number) => (cpu / (r.commandsPerSec * r.seconds)) * 1e6;
  const raw = ok.find((r) => r.strategy === 'raw');
  const parts: string[] = [];
  if (pipe) parts.push(`ioredis pipeline ${perCommand(pipe, pipe.clientCpuS).toFixed(1)} µs`);
  if (raw) parts.push(`raw RESP ${perCommand(raw, raw.clientCpuS).toFixed(1)} µs`);
  const server = raw ?? pipe;
  if (parts.length && server) {
    out.push(`client CPU per command: ${parts.join(', ')}; the server needs ${perCommand(server, server.serverCpuS).toFixed(1)} µs`);
  }
  return out;
}

export async function benchCommand(opts: BenchOptions, g: GlobalOptions): Promise<void> {
  const { buildStrategies, parseStrategies, SEQUENTIAL_CAP } = await import('../benchmarks/strategies.js');
  const { WORKLOADS } = await import('../benchmarks/workloads.js');
  if (!WORKLOADS.includes(opts.workload)) throw new UsageError(`unknown workload "${opts.workload}": use ${WORKLOADS.join(' or ')}`);
  const choices = parseStrategies(opts.strategies);
  if (opts.servers !== undefined) {
    await benchServers(opts, g, choices);
    return;
  }
  // A --url / REDIS_URL server is shared: say so before connecting. Otherwise it depends on what answers (below).
  if ((g.url ?? process.env.REDIS_URL) && !g.private) checkRecords(opts);
  const json = Boolean(opts.json);
  // With --json, stdout carries the object alone; everything for people goes to stderr.
  const say = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);

  await withSession(g, { json }, async (sb) => {
    if (!sb.target.private) checkRecords(opts);
    const { serverAddress } = await import('../benchmarks/connections.js');
    const { runBench } = await import('../benchmarks/runner.js');
    const { renderReport, label } = await import('../benchmarks/report.js');
    const address = serverAddress(sb.target, g.url ?? process.env.REDIS_URL);
    const names = choices.map((ch) => (ch.name === 'pipeline' ? `pipeline (${(ch.batches ?? []).join(', ')})` : ch.name)).join(', ');
    if (!json) {
      const batchNote = opts.batch ? ` · batch ${opts.batch.toLocaleString('en-US')}` : '';
      say(c.bold(`Bulk-load benchmark · ${opts.workload} · ${opts.records.toLocaleString('en-US')} records${batchNote}`));
      say(c.dim(`  strategies: ${names}`));
      if (choices.some((ch) => ch.name === 'sequential') && opts.records > (SEQUENTIAL_CAP[opts.workload] ?? Infinity)) {
        say(
          c.dim(
            `  sequential loads the first ${SEQUENTIAL_CAP[opts.workload]!.toLocaleString('en-US')} records only (one round trip per command, the slowest way): compare rates, not totals`,
          ),
        );
      }
      if (!sb.target.private) say(c.dim(`  keys go under ${sb.ns}bench:<run id>: and are removed at the end`));
    }
    const unit = opts.workload === 'users' ? 'users' : 'keys';
    const { report, workloadNote } = await runBench(sb, {
      workload: opts.workload,
      records: opts.records,
      strategies: choices,
      batch: opts.batch,
      ceiling: Boolean(opts.ceiling),
      address,
      note: (line) => say(c.yellow(`  note: ${line}`)),
      onResult: (r) => {
        if (!json) say(resultLine(r, unit, label));
      },
    });
    if (json) {
      emitJson(report);
      return;
    }
    say('');
    say(renderReport(report, unit));
    say('');
    for (const line of takeaways(report.results, unit)) say(`  ${line}`);
    say('');
    const seen = new Set<string>();
    for (const s of buildStrategies(choices, opts.batch)) {
      if (seen.has(s.name) || !report.results.some((r) => r.strategy === s.name)) continue;
      seen.add(s.name);
      say(c.dim(`  ${s.name.padEnd(13)} ${s.describe}`));
    }
    say('');
    if (workloadNote) say(c.dim(`  ${workloadNote}.`));
    for (const line of [
      'batch: records per batch · p50/p99: round trip of one batch · commands/s: commands the client sent (a script call or an MSET counts once)',
      'client CPU: this process (+ redis-cli) · server CPU: INFO used_cpu_user + used_cpu_sys · B/record: used_memory growth per record',
      opts.workload === 'users'
        ? `verified: ${sb.target.private ? 'DBSIZE' : 'EXISTS on every user'}, SCARD/ZCARD totals, sampled users compared field by field`
        : `verified: ${sb.target.private ? 'DBSIZE' : 'EXISTS on every key'}, sampled values compared`,
    ]) {
      say(c.dim(`  ${line}`));
    }
    if (!sb.target.private) say(c.dim('  shared server: other clients’ work shows in server CPU and memory'));
  });
}

/** The line a strategy's result prints as it finishes (people's output only). */
function resultLine(r: BenchResult, unit: string, label: (r: BenchResult) => string): string {
  const mark = r.verified ? c.green('✓') : c.red('✗');
  const rate = r.seconds > 0 ? `${r.recordsPerSec.toLocaleString('en-US')} ${unit}/s` : 'failed';
  return `  ${mark} ${label(r).padEnd(16)} ${rate.padStart(16)}  ${c.dim(`${r.records.toLocaleString('en-US')} ${unit} in ${r.seconds.toFixed(2)} s`)}`;
}

/**
 * `bench --servers`: the same workload and strategies on a private server of each build, one after the other (start
 * it, bench, verify, stop it, next), then one table side by side. Ctrl-C stops the run in progress the usual way
 * (its keys removed, its server stopped) and no further server starts.
 */
async function benchServers(opts: BenchOptions, g: GlobalOptions, choices: StrategyChoice[]): Promise<void> {
  if (g.url) throw new UsageError('--servers starts a private server of each build; it cannot be combined with --url');
  const { chooseServers, renderComparison } = await import('../benchmarks/compare.js');
  const { selectServer, serverStatuses } = await import('../redis/servers.js');
  const { shuttingDown } = await import('../shutdown.js');
  // Every name is checked before anything starts: an unprepared one is one line, naming `redis-learn servers prepare`.
  const { names, skipped } = chooseServers(opts.servers ?? '', serverStatuses());
  const json = Boolean(opts.json);
  const say = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
  const { SEQUENTIAL_CAP } = await import('../benchmarks/strategies.js');
  const { serverAddress } = await import('../benchmarks/connections.js');
  const { runBench } = await import('../benchmarks/runner.js');
  const { label } = await import('../benchmarks/report.js');
  const unit = opts.workload === 'users' ? 'users' : 'keys';
  const strategyNames = choices.map((ch) => (ch.name === 'pipeline' ? `pipeline (${(ch.batches ?? []).join(', ')})` : ch.name)).join(', ');
  if (!json) {
    const batchNote = opts.batch ? ` · batch ${opts.batch.toLocaleString('en-US')}` : '';
    say(
      c.bold(`Bulk-load benchmark · ${opts.workload} · ${opts.records.toLocaleString('en-US')} records${batchNote} · ${names.join(', ')}`),
    );
    say(c.dim(`  strategies: ${strategyNames}`));
    say(c.dim('  one private server of each build at a time, the same runs and checks on each'));
    if (choices.some((ch) => ch.name === 'sequential') && opts.records > (SEQUENTIAL_CAP[opts.workload] ?? Infinity)) {
      say(
        c.dim(
          `  sequential loads the first ${SEQUENTIAL_CAP[opts.workload]!.toLocaleString('en-US')} records only: compare rates, not totals`,
        ),
      );
    }
  }
  if (skipped.length) say(c.yellow(`  note: all leaves out ${skipped.join(', ')}: not prepared (redis-learn servers prepare)`));

  const benches: ServerBench[] = [];
  const before = process.env.REDIS_LEARN_SERVER;
  try {
    for (const name of names) {
      if (shuttingDown() !== null) break;
      selectServer(name);
      if (!json) say(`\n${c.bold(name)}`);
      await withSession({ ...g, url: undefined, private: true }, { json }, async (sb) => {
        const { report } = await runBench(sb, {
          workload: opts.workload,
          records: opts.records,
          strategies: choices,
          batch: opts.batch,
          ceiling: Boolean(opts.ceiling),
          address: serverAddress(sb.target),
          note: (line) => say(c.yellow(`  note: ${line}`)),
          onResult: (r) => {
            if (!json) say(resultLine(r, unit, label));
          },
        });
        // Valkey's INFO says redis_version 7.2.4 for compatibility; its own version is in the product name.
        const [product = 'Redis', version = sb.target.version] = sb.target.product.split(' ');
        benches.push({ name, product, version, report });
      });
    }
  } finally {
    if (before === undefined) delete process.env.REDIS_LEARN_SERVER;
    else process.env.REDIS_LEARN_SERVER = before;
  }
  if (json) {
    const out: ServersBenchReport = { workload: opts.workload, records: opts.records, servers: benches };
    emitJson(out);
    return;
  }
  say('');
  say(renderComparison(benches, unit));
  for (const b of benches.filter((x) => x.report.ceiling)) {
    say(c.dim(`  ${b.name} ceiling: ${int(b.report.ceiling!.setPerSec)} SET/s (redis-benchmark on that server)`));
  }
  say('');
  say(
    c.dim(
      opts.workload === 'users'
        ? '  verified on each server: DBSIZE, SCARD/ZCARD, sampled users field by field'
        : '  verified on each server: DBSIZE, sampled values compared',
    ),
  );
  say(c.dim('  --json has each server’s full report: CPU, latency, memory per record'));
}
