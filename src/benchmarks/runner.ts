// Runs the chosen strategies one after another on an emptied keyspace: times, CPU, memory, then checks the data.
import type { Sandbox } from '../redis/sandbox.js';
import { ConnectionError, MissingToolError, errorMessage } from '../errors.js';
import { onInterrupt } from '../session.js';
import { shuttingDown } from '../shutdown.js';
import { createProgressBar, type ProgressBar } from '../ui/progress-bar.js';
import { measureCeiling } from './ceiling.js';
import type { ServerAddress } from './connections.js';
import { summarise, type BenchReport, type BenchResult, type Ceiling, type Measurement } from './report.js';
import { RunSpace, serverCpuSeconds, usedMemory } from './run-space.js';
import { SEQUENTIAL_CAP, buildStrategies, type Strategy, type StrategyChoice } from './strategies.js';
import { createWorkload, type WorkloadName } from './workloads.js';

export interface RunnerOptions {
  workload: WorkloadName;
  records: number;
  strategies: StrategyChoice[];
  /** --batch: records per batch for the strategies whose batch size is free (else their defaults). */
  batch?: number;
  ceiling: boolean;
  address: ServerAddress;
  /** Notes as they happen (stale keys removed, strategies skipped, …). */
  note(line: string): void;
  /** After each strategy. */
  onResult?(r: BenchResult): void;
}

export interface RunnerOutput {
  report: BenchReport;
  /** What a record is called: users, keys. */
  unit: string;
  /** How the workload makes its data, when worth saying. */
  workloadNote: string | null;
}

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}

/** What an interrupt needs to know about the run in progress. */
interface RunState {
  /** Records handed to the server since the keyspace was last emptied (acknowledged or not). */
  written: number;
  /** The progress bar on screen, if any: stopped before the interrupt prints. */
  bar: ProgressBar | null;
  /** Keys the records written so far make. */
  keysFor(n: number): number;
}

/** Thrown when Ctrl-C / SIGTERM cut the run short (cli.ts prints nothing more: the signal handler has spoken). */
class Interrupted extends ConnectionError {
  constructor() {
    super('the benchmark was interrupted');
  }
}

export async function runBench(sb: Sandbox, opts: RunnerOptions): Promise<RunnerOutput> {
  const space = new RunSpace(sb);
  // Every connection of the run carries the run's name: an interrupted run waits until the server has let them go.
  const address: ServerAddress = { ...opts.address, name: space.connectionName };
  const state: RunState = { written: 0, bar: null, keysFor: (n) => n };
  // Ctrl-C / SIGTERM: stop writing, remove the run's keys, then let the session close and exit.
  let interrupted: Promise<void> | null = null;
  const offInterrupt = onInterrupt(() => {
    state.bar?.stop();
    const word = shuttingDown() === 130 ? 'interrupted' : 'terminated';
    interrupted ??= space.abort((line) => process.stderr.write(`${word}: ${line}\n`), state.keysFor(state.written));
    return interrupted;
  });
  try {
    const { staleRemoved } = await space.open();
    if (staleRemoved) opts.note(`removed ${staleRemoved.toLocaleString('en-US')} keys left by an interrupted benchmark run`);
    const workload = await createWorkload(opts.workload, space.prefix);
    state.keysFor = (n) => workload.keysFor(n);
    const results: BenchResult[] = [];
    for (const strategy of buildStrategies(opts.strategies, opts.batch)) {
      if (space.aborted) break;
      const records = strategy.name === 'sequential' ? Math.min(opts.records, SEQUENTIAL_CAP[workload.name] ?? opts.records) : opts.records;
      const r = await runOne(sb, space, strategy, records, workload, { ...opts, address }, state);
      // A strategy cut short by an interrupt failed for that reason alone: it is not a result.
      if (space.aborted) break;
      if (r) {
        results.push(r);
        opts.onResult?.(r);
      }
    }
    let ceiling: Ceiling | null = null;
    if (opts.ceiling && !space.aborted) {
      await space.clear();
      // The ceiling's keys are random ids below the keyspace: at most that many.
      state.written = opts.records;
      state.keysFor = (n) => n;
      const res = await measureCeiling(address, {
        keyspace: opts.records,
        requests: Math.max(100_000, opts.records),
        keyPrefix: space.exact ? null : space.prefix,
      });
      if (res.ok) ceiling = res.ceiling;
      else if (!space.aborted) opts.note(`no ceiling: ${res.reason}`);
    }
    if (space.aborted) throw new Interrupted();
    return {
      report: {
        workload: workload.name,
        records: opts.records,
        server: { version: sb.target.version, private: sb.target.private },
        results,
        ceiling,
      },
      unit: workload.unit,
      workloadNote: workload.note,
    };
  } finally {
    try {
      await space.close();
      // An interrupt's last line is printed before the run returns.
      await interrupted;
    } finally {
      offInterrupt();
    }
  }
}

async function runOne(
  sb: Sandbox,
  space: RunSpace,
  strategy: Strategy,
  records: number,
  workload: Awaited<ReturnType<typeof createWorkload>>,
  opts: RunnerOptions,
  state: RunState,
): Promise<BenchResult | null> {
  const m: Measurement = {
    strategy: strategy.name,
    batch: strategy.name === 'redis-cli' ? null : strategy.batch,
    records,
    commands: 0,
    seconds: 0,
    latenciesMs: [],
    clientCpuS: 0,
    serverCpuS: 0,
    usedMemoryDelta: null,
    verified: false,
  };
  await space.clear();
  state.written = 0;
  const mem0 = await usedMemory(sb);
  let prepared;
  let bar = null;
  try {
    bar = await createProgressBar(records, `${strategy.name}${strategy.name === 'pipeline' ? ` ${strategy.batch}` : ''}`.padEnd(16));
    state.bar = bar;
    const progress = bar;
    prepared = await strategy.prepare({
      workload,
      records,
      address: opts.address,
      progress: (n) => progress.tick(n),
      sending: (n) => {
        state.written += n;
      },
    });
  } catch (err) {
    bar?.stop();
    if (err instanceof MissingToolError) {
      opts.note(`${err.message}: skipped the ${strategy.name} --pipe run`);
      return null;
    }
    m.error = errorMessage(err).split('\n')[0];
    return summarise(m);
  }
  try {
    const srv0 = await serverCpuSeconds(sb);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const out = await prepared.run();
    m.seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    m.clientCpuS = cpuSeconds(process.cpuUsage(cpu0)) + out.childCpuS;
    m.serverCpuS = (await serverCpuSeconds(sb)) - srv0;
    m.commands = out.commands;
    m.latenciesMs = out.latenciesMs;
    bar.stop();
    await prepared.close();
    m.usedMemoryDelta = (await usedMemory(sb)) - mem0;
    if (out.errors) {
      m.error = `${out.errors.toLocaleString('en-US')} error repl${out.errors === 1 ? 'y' : 'ies'}, first: ${out.firstError}`;
    } else {
      const v = await workload.verify(sb.admin, records, space.exact);
      m.verified = v.ok;
      if (!v.ok) m.error = `wrong data: ${v.detail}`;
    }
  } catch (err) {
    bar.stop();
    await prepared.close().catch(() => {});
    m.error = errorMessage(err).split('\n')[0];
    m.verified = false;
  }
  return summarise(m);
}
