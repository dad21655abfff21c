// `analyze` end to end: connect (no sandbox: it writes nothing), measure, walk paced, tally, advise, report.
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { ConnectionError } from '../errors.js';
import { connectRedis, type Connection } from '../redis/connect.js';
import { endRun, onShutdown, shuttingDown } from '../shutdown.js';
import { createProgressBar, type ProgressBar } from '../ui/progress-bar.js';
import { resolveLimits } from './facts.js';
import { int } from './format.js';
import { BASELINE_MS, startProbe, type Probe, type ProbeResult } from './latency-probe.js';
import { Pacer } from './pacer.js';
import { recommend } from './recommend.js';
import { figures, type AnalyzeReport, type Recommendation } from './report.js';
import { Tally } from './tally.js';
import { walkKeyspace } from './walk.js';

/** Without --sample, databases up to this many keys are analysed whole; larger ones are sampled to it. */
export const DEFAULT_SAMPLE = 100_000;
/** SCAN COUNT and keys per pipeline: small steps, so another client's command never waits long behind ours. */
const SCAN_COUNT = 100;
const BATCH = 100;

export interface AnalyzeRunOptions {
  url?: string;
  private?: boolean;
  match?: string;
  separator: string;
  sample?: number;
  pace: number;
  top: number;
  /** A line for people (the header, warnings): stdout, or stderr with --json. */
  say(line: string): void;
}

function infoField(info: string, field: string): string | null {
  return new RegExp(`^${field}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? null;
}

/** Keys per database from INFO keyspace: where the keys are, when the analysed one is empty. */
function keyspace(info: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of info.matchAll(/^db(\d+):keys=(\d+)/gm)) out.set(Number(m[1]), Number(m[2]));
  return out;
}

async function tryRead<T>(fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch {
    return null;
  }
}

async function pingMedian(redis: Redis): Promise<number> {
  const rtts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await redis.ping();
    rtts.push(performance.now() - t0);
  }
  return rtts.sort((a, b) => a - b)[2]!;
}

/** CONFIG GET with a pattern (one argument works on every version) as a map; null when it is not allowed. */
async function configLimits(redis: Redis): Promise<Record<string, string> | null> {
  const flat = await tryRead(() => redis.call('CONFIG', 'GET', '*-max-*') as Promise<string[]>);
  if (!flat) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

/** Opens the connection with the shutdown path: Ctrl-C, SIGTERM and a lost server close it (and a private server). */
async function open(opts: AnalyzeRunOptions, extra: { probe: Probe | null; bar: ProgressBar | null }) {
  const conn = await connectRedis({ url: opts.url, private: opts.private });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    extra.bar?.stop();
    await extra.probe?.terminate();
    await conn.close();
  };
  const unregister = onShutdown(close);
  if (shuttingDown() !== null) {
    await close();
    throw new ConnectionError('stopped before the analysis started');
  }
  conn.client.on('end', () => {
    if (!closed) endRun(1, `redis-learn: ${new ConnectionError('lost the connection to Redis during the analysis').message}\n`);
  });
  return {
    conn,
    async close() {
      unregister();
      await close();
    },
  };
}

export async function runAnalysis(opts: AnalyzeRunOptions): Promise<AnalyzeReport> {
  const started = performance.now();
  const extra: { probe: Probe | null; bar: ProgressBar | null } = { probe: null, bar: null };
  const { conn, close } = await open(opts, extra);
  try {
    return await analyse(conn, opts, extra, started);
  } finally {
    await close();
  }
}

async function analyse(
  conn: Connection,
  opts: AnalyzeRunOptions,
  extra: { probe: Probe | null; bar: ProgressBar | null },
  started: number,
): Promise<AnalyzeReport> {
  const redis = conn.client;
  const t = conn.target;
  const stopped = () => shuttingDown() !== null;
  const warnings: string[] = [];
  const dbsize = Number(await redis.dbsize());
  const memInfo = await tryRead(() => redis.info('memory'));
  const ksInfo = await tryRead(() => redis.info('keyspace'));
  const config = await configLimits(redis);
  if (!config) warnings.push("CONFIG GET is not allowed for this user: encoding limits are Redis 7's defaults");
  const limits = resolveLimits(config, t.version);
  const maxmemoryPolicy = memInfo ? infoField(memInfo, 'maxmemory_policy') : null;
  const infoNumber = (field: string) => {
    const v = memInfo ? Number(infoField(memInfo, field) ?? NaN) : NaN;
    return Number.isFinite(v) ? v : null;
  };

  const where = t.private ? 'a private server started for this run' : t.displayUrl;
  opts.say(
    `${t.product} · ${where} · db ${t.db} · read only, paced to ${opts.pace >= 100 ? '100 % (no pauses)' : `${opts.pace} % of the server's time`}`,
  );

  // The baseline: PINGs from a second connection before any of our commands; the pacer takes the network's share
  // of a round trip from it. Nothing to measure in an empty database.
  let probeNote: string | null = dbsize === 0 ? 'not measured: nothing to analyse' : null;
  if (dbsize > 0) {
    const probe = await startProbe(redis.options, dbsize > 10_000 ? BASELINE_MS.long : BASELINE_MS.short);
    if ('unavailable' in probe) probeNote = `not measured: ${probe.unavailable}`;
    else extra.probe = probe;
  }
  if (stopped()) throw new ConnectionError('stopped before the analysis started');
  // The baseline's median PING is the network's share of every round trip (see Pacer); without a probe, a few
  // PINGs on this connection stand in for it.
  const baseline = extra.probe ? await extra.probe.startDuring() : null;
  const networkMs = baseline?.p50Ms ?? (dbsize > 0 ? await pingMedian(redis) : 0);

  const limit = opts.sample ?? DEFAULT_SAMPLE;
  const tally = new Tally(opts.separator, opts.top, limits);
  const pacer = new Pacer(opts.pace, networkMs, stopped);
  let latency: ProbeResult = { before: null, during: null, addedP50Ms: null, addedP99Ms: null, note: probeNote };
  const walkStarted = performance.now();
  const barTotal = Math.max(1, opts.match ? dbsize : Math.min(dbsize, limit));
  if (dbsize > 0) extra.bar = await createProgressBar(barTotal, opts.match ? 'scanning' : 'analysing');
  let shown = 0;
  const walk = await walkKeyspace(redis, {
    match: opts.match,
    limit,
    scanCount: SCAN_COUNT,
    batch: BATCH,
    pacer,
    onKey: (f) => tally.add(f),
    onProgress: (analysed, scanCalls) => {
      const now = Math.min(barTotal, opts.match ? scanCalls * SCAN_COUNT : analysed);
      if (now > shown) extra.bar?.tick(now - shown);
      shown = Math.max(shown, now);
    },
    stopped,
    warn: (m) => warnings.push(m),
  });
  extra.bar?.stop();
  if (extra.probe) latency = await extra.probe.finish();
  const walkMs = performance.now() - walkStarted;
  if (stopped()) throw new ConnectionError('the analysis was stopped');

  const analysed = tally.total.keys;
  const totalKeys = walk.complete ? analysed + walk.countedOnly : Math.max(dbsize, analysed + walk.countedOnly);
  const sampled = analysed > 0 && totalKeys > analysed;
  const factor = sampled ? totalKeys / analysed : 1;
  const fig = figures(tally, factor, opts.top);
  const pacing = pacer.result;
  const base: Omit<AnalyzeReport, 'recommendations'> = {
    server: {
      product: t.product,
      version: t.version,
      address: t.displayUrl,
      kind: t.kind,
      private: t.private,
      db: t.db,
      dbsize,
      usedMemory: infoNumber('used_memory'),
      maxmemory: infoNumber('maxmemory'),
      maxmemoryPolicy,
    },
    scope: { match: opts.match ?? null, separator: opts.separator },
    sampled: sampled
      ? {
          analysedKeys: analysed,
          totalKeys,
          ratio: Math.round((analysed / totalKeys) * 10_000) / 10_000,
          factor: Math.round(factor * 10_000) / 10_000,
          reason: opts.sample !== undefined ? 'option' : 'default',
          chosenBy: 'scan order',
        }
      : null,
    totals: {
      keys: sampled ? totalKeys : analysed,
      memory: fig.memory,
      analysedKeys: analysed,
      analysedMemory: tally.total.memory,
      vanished: walk.vanished,
      unreadable: walk.unreadable,
      unsized: tally.unsized,
      estimated: sampled,
    },
    types: fig.types,
    encodings: fig.encodings,
    ttl: fig.ttl,
    prefixes: fig.prefixes,
    biggest: fig.biggest,
    pacing: {
      ...pacing,
      busyMs: Math.round(pacing.busyMs * 10) / 10,
      pausedMs: Math.round(pacing.pausedMs),
      scanCalls: walk.scanCalls,
      busyPercent: walkMs > 0 ? Math.round((pacing.busyMs / walkMs) * 1000) / 10 : 0,
    },
    latency,
    durationMs: Math.round(performance.now() - started),
    warnings,
  };
  const recommendations: Recommendation[] =
    analysed === 0 ? [emptyAdvice(conn, opts, dbsize, walk.unreadable, ksInfo)] : recommend({ report: base, tally, factor, limits });
  return { ...base, recommendations };
}

function emptyAdvice(conn: Connection, opts: AnalyzeRunOptions, dbsize: number, unreadable: number, ksInfo: string | null): Recommendation {
  const t = conn.target;
  if (unreadable > 0) {
    return {
      kind: 'empty',
      message: `this user may read none of the ${int(unreadable)} keys found (ACL key patterns): there is nothing to analyse`,
    };
  }
  if (t.private) {
    return {
      kind: 'empty',
      message:
        'this is a private server redis-learn started for this run, so it is empty: there is nothing to analyse. Give --url (or REDIS_URL) to analyse your own server',
    };
  }
  if (opts.match && dbsize > 0) {
    return { kind: 'empty', message: `no key of db ${t.db} matches ${opts.match} (it holds ${int(dbsize)} keys)` };
  }
  const others = [...keyspace(ksInfo ?? '')].filter(([db, n]) => db !== t.db && n > 0);
  const elsewhere = others.length
    ? `; keys are in ${others.map(([db, n]) => `db ${db} (${int(n)})`).join(', ')}: name the database in the URL (redis://host:port/N)`
    : '';
  return { kind: 'empty', message: `db ${t.db} is empty: there is nothing to analyse${elsewhere}` };
}
