// How a client can load Redis: from one awaited command at a time to raw RESP on a socket. Each strategy only
// moves bytes; the runner times it, measures CPU and memory, and checks what it wrote.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { ChainableCommander, Redis } from 'ioredis';
import { MissingToolError, UsageError } from '../errors.js';
import { closeIoredis, killTree, openIoredis, openRaw, trackProcess, writers, type ServerAddress } from './connections.js';
import { RespWriter, encodeCommand } from './resp.js';
import type { Arg, Workload } from './workloads.js';

export interface StrategyContext {
  workload: Workload;
  /** Records to load: ids 1…records. */
  records: number;
  address: ServerAddress;
  /** Called after each batch has been acknowledged (or, for redis-cli, written). */
  progress(records: number): void;
  /** Called as each batch is handed to the connection, before any reply: what an interrupted run may have written. */
  sending?(records: number): void;
}

export interface StrategyOutcome {
  /** Commands sent by the client (a script call counts once). */
  commands: number;
  /** Per-batch round trips in ms; empty when the strategy cannot see them. */
  latenciesMs: number[];
  errors: number;
  firstError: string | null;
  /** CPU spent by a helper process (redis-cli), added to the client's CPU. */
  childCpuS: number;
}

export interface PreparedRun {
  /** The timed part. */
  run(): Promise<StrategyOutcome>;
  close(): Promise<void>;
}

export interface Strategy {
  /** Name in tables and JSON. */
  name: string;
  /** Records per batch (1 for sequential). */
  batch: number;
  /** Batches in flight at once. */
  inFlight: number;
  /** One line for the legend. */
  describe: string;
  /** Connects and loads scripts: everything that must not be timed. */
  prepare(ctx: StrategyContext): Promise<PreparedRun>;
}

/** Sequential loads at most this many records: at one round trip per command it would dominate the run. */
export const SEQUENTIAL_CAP: Record<string, number> = { users: 2000, set: 10000 };

export const STRATEGY_NAMES = [
  'sequential',
  'concurrent',
  'auto',
  'pipeline',
  'pipeline-x2',
  'multi',
  'variadic',
  'lua',
  'raw',
  'raw-variadic',
  'redis-cli',
] as const;

export type StrategyName = (typeof STRATEGY_NAMES)[number];

export const PIPELINE_BATCHES = [100, 1000, 10000];

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function outcome(): StrategyOutcome {
  return { commands: 0, latenciesMs: [], errors: 0, firstError: null, childCpuS: 0 };
}

/** Counts reply errors in a pipeline's or MULTI's exec() result. */
function countErrors(out: StrategyOutcome, res: [Error | null, unknown][] | null): void {
  if (res === null) {
    out.errors++;
    out.firstError ??= 'EXEC aborted (a WATCHed key changed)';
    return;
  }
  for (const [err] of res) {
    if (err) {
      out.errors++;
      out.firstError ??= err.message;
    }
  }
}

/** Runs batches [0, records) in order with at most `inFlight` unfinished, recording each one's latency. */
async function batches(
  ctx: StrategyContext,
  batch: number,
  inFlight: number,
  out: StrategyOutcome,
  send: (from: number, to: number) => Promise<void>,
): Promise<void> {
  const running = new Set<Promise<void>>();
  let failure: unknown = null;
  for (let from = 0; from < ctx.records && failure === null; from += batch) {
    // An interrupt closes the connections; a pipeline to a closed client fails each command without yielding.
    writers.assertOpen();
    const to = Math.min(from + batch, ctx.records);
    ctx.sending?.(to - from);
    const start = process.hrtime.bigint();
    const p: Promise<void> = send(from, to).then(
      () => {
        out.latenciesMs.push(ms(start));
        ctx.progress(to - from);
        running.delete(p);
      },
      (err: unknown) => {
        failure ??= err;
        running.delete(p);
      },
    );
    running.add(p);
    if (running.size >= inFlight) await Promise.race(running);
  }
  await Promise.all(running);
  if (failure !== null) throw failure;
}

function ioredisStrategy(
  name: string,
  batch: number,
  inFlight: number,
  describe: string,
  opts: { autoPipelining?: boolean },
  body: (client: Redis, ctx: StrategyContext, out: StrategyOutcome) => Promise<void>,
): Strategy {
  return {
    name,
    batch,
    inFlight,
    describe,
    async prepare(ctx) {
      const client = await openIoredis(ctx.address, opts);
      return {
        async run() {
          const out = outcome();
          await body(client, ctx, out);
          return out;
        },
        close: () => closeIoredis(client),
      };
    },
  };
}

function sequential(): Strategy {
  return ioredisStrategy('sequential', 1, 1, 'await every command before sending the next', {}, async (client, ctx, out) => {
    const cmds: [string, Arg[]][] = [];
    for (let r = 0; r < ctx.records; r++) {
      writers.assertOpen();
      ctx.sending?.(1);
      cmds.length = 0;
      ctx.workload.commands(r, r + 1, (n, a) => cmds.push([n, a]));
      const start = process.hrtime.bigint();
      for (const [n, a] of cmds) {
        try {
          await client.call(n, a);
        } catch (err) {
          out.errors++;
          out.firstError ??= (err as Error).message;
        }
        out.commands++;
      }
      out.latenciesMs.push(ms(start));
      ctx.progress(1);
    }
  });
}

function concurrentLike(name: string, batch: number, auto: boolean): Strategy {
  const describe = auto
    ? 'ioredis enableAutoPipelining: commands issued in one tick share a write'
    : 'every command of a batch sent at once, no pipeline (one write each), then await them all';
  return ioredisStrategy(name, batch, 1, describe, { autoPipelining: auto }, async (client, ctx, out) => {
    await batches(ctx, batch, 1, out, async (from, to) => {
      const pending: Promise<unknown>[] = [];
      ctx.workload.commands(from, to, (n, a) => {
        pending.push(
          client.call(n, a).catch((err: Error) => {
            out.errors++;
            out.firstError ??= err.message;
          }),
        );
      });
      out.commands += pending.length;
      await Promise.all(pending);
    });
  });
}

function chained(
  name: string,
  batch: number,
  inFlight: number,
  describe: string,
  make: (client: Redis) => ChainableCommander,
  shape: 'commands' | 'variadic',
): Strategy {
  return ioredisStrategy(name, batch, inFlight, describe, {}, async (client, ctx, out) => {
    await batches(ctx, batch, inFlight, out, async (from, to) => {
      const p = make(client);
      let n = 0;
      ctx.workload[shape](from, to, (cmd, args) => {
        p.call(cmd, args);
        n++;
      });
      out.commands += n;
      countErrors(out, (await p.exec()) as [Error | null, unknown][] | null);
    });
  });
}

function lua(batch: number): Strategy {
  return {
    name: 'lua',
    batch,
    inFlight: 2,
    describe: 'one EVALSHA per batch; the script fans out to every write on the server',
    async prepare(ctx) {
      const client = await openIoredis(ctx.address);
      const sha = String(await client.script('LOAD', ctx.workload.lua.script));
      return {
        async run() {
          const out = outcome();
          await batches(ctx, batch, 2, out, async (from, to) => {
            out.commands++;
            try {
              await client.evalsha(sha, 0, ...ctx.workload.lua.args(from, to));
            } catch (err) {
              out.errors++;
              out.firstError ??= (err as Error).message;
            }
          });
          return out;
        },
        close: () => closeIoredis(client),
      };
    },
  };
}

/**
 * Encodes (and throws away) a few thousand records before the clock starts, so a short run does not time
 * the JIT compiling the encoder; the ioredis strategies get the same from the runs before them.
 */
function warmUp(ctx: StrategyContext, shape: 'commands' | 'variadic'): void {
  const w = new RespWriter(64 * 1024);
  for (let from = 0; from < Math.min(ctx.records, 3000); from += 500) {
    const to = Math.min(from + 500, ctx.records);
    if (shape === 'commands') ctx.workload.encode(from, to, w);
    else ctx.workload.encodeVariadic(from, to, w);
    w.finish();
  }
}

interface Waiter {
  target: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function raw(batch: number, shape: 'commands' | 'variadic'): Strategy {
  return {
    name: shape === 'commands' ? 'raw' : 'raw-variadic',
    batch,
    inFlight: 2,
    describe:
      shape === 'commands'
        ? 'RESP encoded by hand into Buffers on a bare socket; replies counted, never parsed into objects'
        : 'the variadic commands, hand-encoded and counted like raw',
    async prepare(ctx) {
      warmUp(ctx, shape);
      const conn = await openRaw(ctx.address);
      // Batches in flight share one counter: each waits for the cumulative reply count that ends it.
      const waiters: Waiter[] = [];
      conn.onReplies = () => {
        while (waiters.length && (conn.counter.replies >= waiters[0]!.target || conn.failure)) {
          const w = waiters.shift()!;
          if (conn.counter.replies >= w.target) w.resolve();
          else w.reject(conn.failure);
        }
      };
      return {
        async run() {
          const out = outcome();
          const w = new RespWriter(256 * 1024);
          let sent = 0;
          await batches(ctx, batch, 2, out, (from, to) => {
            const n = shape === 'commands' ? ctx.workload.encode(from, to, w) : ctx.workload.encodeVariadic(from, to, w);
            sent += n;
            out.commands += n;
            const done = new Promise<void>((resolve, reject) => waiters.push({ target: sent, resolve, reject }));
            conn.socket.write(w.finish());
            conn.onReplies?.(); // a connection that already failed must not leave the batch waiting
            return done;
          });
          out.errors = conn.counter.errors;
          out.firstError = conn.counter.firstError;
          return out;
        },
        close: () => conn.close(),
      };
    },
  };
}

/** The redis-cli binary on PATH, or null. */
export function findBinary(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

function parseTimes(text: string): number {
  // `times` prints the shell's user/sys, then its children's: "0m1.234s 0m0.056s".
  const lines = text
    .trim()
    .split('\n')
    .filter((l) => /^\d+m[\d.]+s\s+\d+m[\d.]+s$/.test(l.trim()));
  const last = lines.at(-1);
  if (!last) return 0;
  return last
    .trim()
    .split(/\s+/)
    .map((t) => {
      const m = /^(\d+)m([\d.]+)s$/.exec(t);
      return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
    })
    .reduce((a, b) => a + b, 0);
}

function redisCli(batch: number): Strategy {
  return {
    name: 'redis-cli',
    batch,
    inFlight: 2,
    describe: 'redis-cli --pipe fed the same RESP as raw (its CPU is added to the client column)',
    prepare(ctx) {
      const bin = findBinary('redis-cli');
      if (!bin) throw new MissingToolError('redis-cli');
      warmUp(ctx, 'commands');
      const a = ctx.address;
      const args = ['-h', a.host, '-p', String(a.port), '-n', String(a.db), '--pipe'];
      if (a.username) args.push('--user', a.username);
      if (a.tls) args.push('--tls');
      return Promise.resolve({
        async run() {
          const out = outcome();
          // The shell's `times` reports redis-cli's CPU, which process.cpuUsage() cannot see.
          writers.assertOpen();
          const child = spawn('sh', ['-c', '"$0" "$@"; s=$?; times; exit $s', bin, ...args], {
            stdio: ['pipe', 'pipe', 'pipe'],
            env: { ...process.env, ...(a.password !== undefined ? { REDISCLI_AUTH: a.password } : {}) },
            // Its own process group: an interrupt kills the shell and redis-cli together (see trackProcess).
            detached: true,
          });
          const untrack = trackProcess(child);
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
          child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
          child.stdin.on('error', () => {});
          const w = new RespWriter(256 * 1024);
          // Named like the run's other connections (its reply is counted with the rest, so it is one more command).
          let named = 0;
          if (a.name) {
            child.stdin.write(encodeCommand(['CLIENT', 'SETNAME', a.name]));
            named = 1;
          }
          try {
            for (let from = 0; from < ctx.records && child.exitCode === null; from += batch) {
              writers.assertOpen();
              const to = Math.min(from + batch, ctx.records);
              ctx.sending?.(to - from);
              out.commands += ctx.workload.encode(from, to, w);
              if (!child.stdin.write(w.finish())) {
                await new Promise<void>((resolve) => {
                  child.stdin.once('drain', resolve);
                  child.once('close', resolve);
                });
              }
              ctx.progress(to - from);
            }
          } catch (err) {
            // redis-cli would wait for the rest of its input forever.
            killTree(child);
            throw err;
          }
          child.stdin.end();
          const code = await exited;
          untrack();
          const m = /errors:\s*(\d+),\s*replies:\s*(\d+)/.exec(stdout);
          if (code !== 0 || !m) {
            throw new Error(`redis-cli --pipe failed: ${(stderr || stdout).trim().split('\n').at(-1) ?? `exit ${code}`}`);
          }
          out.errors = Number(m[1]);
          const replies = Number(m[2]) - named;
          if (replies !== out.commands) {
            out.errors += Math.abs(out.commands - replies);
            out.firstError ??= `redis-cli counted ${replies} replies for ${out.commands} commands`;
          }
          if (out.errors) out.firstError ??= 'redis-cli reported errors';
          out.childCpuS = parseTimes(stdout);
          return out;
        },
        async close() {},
      });
    },
  };
}

export interface StrategyChoice {
  name: StrategyName;
  /** Only for pipeline: the batch sizes asked for. */
  batches?: number[];
}

/**
 * Parses --strategies: names separated by commas; `pipeline` means batches 100, 1,000 and 10,000 and
 * `pipeline:N` one batch size. Unknown names are a UsageError listing the valid ones.
 */
export function parseStrategies(list: string | undefined): StrategyChoice[] {
  if (list === undefined || list.trim() === '' || list.trim() === 'all') {
    return STRATEGY_NAMES.map((name) => (name === 'pipeline' ? { name, batches: PIPELINE_BATCHES } : { name }));
  }
  const out: StrategyChoice[] = [];
  for (const raw of list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [head, size] = raw.toLowerCase().split(':');
    if (!(STRATEGY_NAMES as readonly string[]).includes(head!)) {
      throw new UsageError(`unknown strategy "${raw}": use ${STRATEGY_NAMES.join(', ')} (or pipeline:N)`);
    }
    const name = head as StrategyName;
    if (size !== undefined) {
      const n = Number(size);
      if (name !== 'pipeline' || !Number.isInteger(n) || n <= 0) {
        throw new UsageError(`bad strategy "${raw}": only pipeline takes a batch size, as pipeline:N with N a positive whole number`);
      }
      const prev = out.find((c) => c.name === 'pipeline');
      if (prev) prev.batches = [...new Set([...(prev.batches ?? []), n])];
      else out.push({ name, batches: [n] });
      continue;
    }
    const prev = out.find((c) => c.name === name);
    if (prev) {
      if (name === 'pipeline') prev.batches = [...new Set([...(prev.batches ?? []), ...PIPELINE_BATCHES])];
      continue;
    }
    out.push(name === 'pipeline' ? { name, batches: PIPELINE_BATCHES } : { name });
  }
  if (!out.length) throw new UsageError(`--strategies is empty: use ${STRATEGY_NAMES.join(', ')}`);
  return out;
}

/**
 * Records per batch when --batch is not given. ioredis builds objects per command and slows down past
 * ~1,000 records a batch (garbage collection); hand-encoded RESP gets faster with larger batches, and a
 * ZADD of 10,000 pairs in score order inserts into neighbouring skiplist nodes.
 */
export const DEFAULT_BATCH: Record<string, number> = {
  concurrent: 1000,
  auto: 1000,
  multi: 1000,
  variadic: 1000,
  // A script blocks every other client while it runs: keep each call to a few milliseconds.
  lua: 1000,
  raw: 10_000,
  'raw-variadic': 10_000,
  'redis-cli': 10_000,
};

/**
 * The runnable strategies for the choices, in a fixed order. `batch` (--batch) replaces DEFAULT_BATCH;
 * sequential sends one record at a time and pipeline has its own sizes.
 */
export function buildStrategies(choices: StrategyChoice[], batchOption?: number): Strategy[] {
  const out: Strategy[] = [];
  for (const name of STRATEGY_NAMES) {
    const choice = choices.find((c) => c.name === name);
    if (!choice) continue;
    const batch = batchOption ?? DEFAULT_BATCH[name] ?? 1000;
    switch (name) {
      case 'sequential':
        out.push(sequential());
        break;
      case 'concurrent':
        out.push(concurrentLike('concurrent', batch, false));
        break;
      case 'auto':
        out.push(concurrentLike('auto', batch, true));
        break;
      case 'pipeline':
        for (const b of [...(choice.batches ?? PIPELINE_BATCHES)].sort((x, y) => x - y)) {
          out.push(
            chained('pipeline', b, 1, 'ioredis pipeline(): a batch in one write, await its exec()', (c) => c.pipeline(), 'commands'),
          );
        }
        break;
      case 'pipeline-x2':
        out.push(
          chained(
            'pipeline-x2',
            1000,
            2,
            'pipeline of 1,000 records with the next batch sent before the last returns',
            (c) => c.pipeline(),
            'commands',
          ),
        );
        break;
      case 'multi':
        out.push(chained('multi', batch, 1, 'MULTI/EXEC per batch: pipelined and atomic', (c) => c.multi(), 'commands'));
        break;
      case 'variadic':
        out.push(
          chained(
            'variadic',
            batch,
            2,
            'fewer, larger commands: MSET; one SADD per set and one ZADD per batch (pairs in score order); HSET per user',
            (c) => c.pipeline(),
            'variadic',
          ),
        );
        break;
      case 'lua':
        out.push(lua(batch));
        break;
      case 'raw':
        out.push(raw(batch, 'commands'));
        break;
      case 'raw-variadic':
        out.push(raw(batch, 'variadic'));
        break;
      case 'redis-cli':
        out.push(redisCli(batch));
        break;
    }
  }
  return out;
}
