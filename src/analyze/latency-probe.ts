// The impact measure: PING round trips from a second connection, in a worker thread, before and during the analysis.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { RedisOptions } from 'ioredis';

/** Round trips of one phase, in milliseconds. */
export interface LatencyStats {
  pings: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface ProbeResult {
  before: LatencyStats | null;
  during: LatencyStats | null;
  /** during − before, at the median and at p99; null when either phase has too few pings to say. */
  addedP50Ms: number | null;
  addedP99Ms: number | null;
  /** Why there is no figure, when there is none. */
  note: string | null;
}

/** Pause between two pings: about 200 a second, nothing a server notices. */
const INTERVAL_MS = 5;
/** How long the baseline runs before the analysis starts: longer for a long analysis, so its p99 means something. */
export const BASELINE_MS = { short: 300, long: 1000 } as const;
/** Fewer pings than this in a phase say nothing about its p99. */
const MIN_PINGS = 10;
/** The first pings of a fresh connection and thread are slow (JIT, TCP): left out of the baseline. */
const WARM_UP_PINGS = 5;

/**
 * The worker, as CommonJS source: its own event loop times the pings, so this process parsing the analysis's replies
 * does not delay a PONG and the figures show the server, not us. It loads the same ioredis as this process.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const { Redis } = require(workerData.ioredis);
const client = new Redis({ ...workerData.options, lazyConnect: true, retryStrategy: () => null,
  maxRetriesPerRequest: 0, enableOfflineQueue: false, enableReadyCheck: false, protocol: 2 });
client.on('error', () => {});
const samples = { before: [], during: [] };
let phase = 'before';
let running = true;
parentPort.on('message', (m) => {
  if (m === 'stop') running = false;
  else {
    if (m === 'during') {
      samples.before = samples.before.slice(workerData.warmUp);
      parentPort.postMessage({ type: 'baseline', samples: samples.before.slice() });
    }
    phase = m;
  }
});
(async () => {
  try { await client.connect(); } catch (e) {
    parentPort.postMessage({ type: 'error', message: String((e && e.message) || e) });
    return;
  }
  parentPort.postMessage({ type: 'ready' });
  while (running) {
    const t0 = performance.now();
    try { await client.ping(); } catch (e) {
      parentPort.postMessage({ type: 'error', message: String((e && e.message) || e) });
      break;
    }
    samples[phase].push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, workerData.intervalMs));
  }
  client.disconnect();
  parentPort.postMessage({ type: 'samples', samples });
})();
`;

type Message =
  | { type: 'ready' }
  | { type: 'error'; message: string }
  | { type: 'baseline'; samples: number[] }
  | { type: 'samples'; samples: { before: number[]; during: number[] } };

function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function latencyStats(values: readonly number[]): LatencyStats | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { pings: sorted.length, p50Ms: r(percentile(sorted, 50)), p99Ms: r(percentile(sorted, 99)), maxMs: r(sorted.at(-1)!) };
}

export interface Probe {
  /** The analysis starts: pings from now on count as "during"; resolves to the baseline's figures. */
  startDuring(): Promise<LatencyStats | null>;
  /** Stops pinging and returns both phases. */
  finish(): Promise<ProbeResult>;
  /** Ends the worker at once (an early end). */
  terminate(): Promise<void>;
}

/** The connection's address and credentials, for the worker's own connection to the same server. */
function connectionOptions(options: RedisOptions): RedisOptions {
  const { host, port, path, username, password, tls } = options;
  return { host, port, path, username, password, tls };
}

/**
 * Starts pinging the server from a worker thread and resolves once the baseline (`baselineMs`) is taken; resolves to
 * `{ unavailable: reason }` when no second connection can be opened (the analysis then runs unmeasured).
 */
export async function startProbe(options: RedisOptions, baselineMs: number = BASELINE_MS.short): Promise<Probe | { unavailable: string }> {
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        ioredis: createRequire(import.meta.url).resolve('ioredis'),
        options: connectionOptions(options),
        intervalMs: INTERVAL_MS,
        warmUp: WARM_UP_PINGS,
      },
    });
  } catch (err) {
    return { unavailable: `no second connection (${err instanceof Error ? err.message : String(err)})` };
  }
  worker.unref();
  let failure: string | null = null;
  let samples: { before: number[]; during: number[] } | null = null;
  let onSamples: (() => void) | null = null;
  let onBaseline: ((s: number[]) => void) | null = null;
  const ready = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 5000);
    timer.unref();
    worker.on('message', (m: Message) => {
      if (m.type === 'ready') resolve(true);
      else if (m.type === 'baseline') onBaseline?.(m.samples);
      else if (m.type === 'error') {
        failure ??= m.message.split('\n')[0]!;
        resolve(false);
        onSamples?.();
      } else {
        samples = m.samples;
        onSamples?.();
      }
    });
    worker.on('error', (err) => {
      failure ??= err.message;
      resolve(false);
      onSamples?.();
    });
    worker.on('exit', () => onSamples?.());
  });
  if (!(await ready)) {
    await worker.terminate();
    return { unavailable: `no second connection (${failure ?? 'timed out'})` };
  }
  await new Promise((resolve) => setTimeout(resolve, baselineMs));
  let finished: Promise<ProbeResult> | null = null;
  return {
    async startDuring() {
      const baseline = new Promise<number[]>((resolve) => {
        onBaseline = resolve;
        setTimeout(() => resolve([]), 2000).unref();
      });
      worker.postMessage('during');
      return latencyStats(await baseline);
    },
    finish() {
      finished ??= (async () => {
        const got = new Promise<void>((resolve) => {
          onSamples = resolve;
          setTimeout(resolve, 2000).unref();
        });
        worker.postMessage('stop');
        await got;
        await worker.terminate();
        return summarise(samples, failure);
      })();
      return finished;
    },
    async terminate() {
      await worker.terminate();
    },
  };
}

function summarise(samples: { before: number[]; during: number[] } | null, failure: string | null): ProbeResult {
  if (!samples) return { before: null, during: null, addedP50Ms: null, addedP99Ms: null, note: `not measured (${failure ?? 'no reply'})` };
  const before = latencyStats(samples.before);
  const during = latencyStats(samples.during);
  const enough = before && during && before.pings >= MIN_PINGS && during.pings >= MIN_PINGS;
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return {
    before,
    during,
    addedP50Ms: enough ? r(during.p50Ms - before.p50Ms) : null,
    addedP99Ms: enough ? r(during.p99Ms - before.p99Ms) : null,
    note: enough
      ? failure
        ? `the probe stopped early (${failure})`
        : null
      : `the analysis was too short to measure (${during?.pings ?? 0} pings during it)`,
  };
}
