// The first half of the diagnosis: the incident starts (dataset, app, slow log off), INFO stats read twice a second
// apart, the hit ratio computed by the learner, INFO commandstats (calls vs time per call), the slow log turned on
// and read, and the latency monitor with LATENCY LATEST / DOCTOR / HISTOGRAM.
import { all, custom } from '../../engine/checks.js';
import { count, expanded } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { sleep } from '../../patterns/index.js';
import { ensureApp, runningApp } from './lib/app.js';
import { loadDataset } from './lib/dataset.js';
import { incidentState, restoreConfig, waitFor, waitForLookups } from './lib/incident.js';
import { commandStats, configGet, hitRatio, info, num, slowlog, type SlowEntry } from './lib/server-info.js';
import { BATCH_LOOKUPS, K, LATENCY_THRESHOLD_MS, NAMES, SLOWLOG_THRESHOLD_US } from './shared.js';

const ms = (us: number) => `${(us / 1000).toFixed(1)} ms`;

/** A latencystats percentile: microseconds, or milliseconds past 10 ms; under 1 µs the histogram's floor. */
function micros(v: string | undefined): string {
  if (v === undefined) return '-';
  const us = Number(v);
  return us < 1 ? '<1 µs' : us >= 10_000 ? ms(us) : `${us.toFixed(us < 10 ? 1 : 0)} µs`;
}

/** A number the learner recorded: 0.73, or 73%. */
export function parseRatio(text: string | null): number | null {
  if (text === null) return null;
  const t = text.trim();
  const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(t);
  if (pct) return Number(pct[1]) / 100;
  return /^\d*\.?\d+$/.test(t) ? Number(t) : null;
}

const HIT_TOLERANCE = 0.03;

async function hitRatioRecorded(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const key = ctx.key(K.answer('hit-ratio'));
  const raw = await ctx.unrecorded.get(key);
  const { hits, misses, ratio } = await hitRatio(ctx.unrecorded);
  const live = ratio === null ? 'no lookups yet' : `${ratio.toFixed(3)} (${hits} hits, ${misses} misses)`;
  if (raw === null) return { pass: false, actual: `${key} does not exist; the server's ratio is ${live}` };
  const v = parseRatio(raw);
  if (v === null) return { pass: false, actual: `${key} = ${JSON.stringify(raw)}: not a number (write it like 0.81 or 81%)` };
  if (ratio === null) return { pass: false, actual: 'the server has counted no lookups' };
  if (Math.abs(v - ratio) <= HIT_TOLERANCE) return { pass: true, actual: `you recorded ${raw}; the server says ${live}` };
  const why =
    misses && Math.abs(v - hits / misses) < 0.3
      ? 'that is hits ÷ misses; the ratio is hits ÷ (hits + misses)'
      : Math.abs(v - (1 - ratio)) <= HIT_TOLERANCE
        ? 'that is the miss ratio: misses ÷ (hits + misses)'
        : v > 1
          ? 'a ratio of lookups is between 0 and 1 (or write a percentage, with %)'
          : 'compute it from keyspace_hits and keyspace_misses in INFO stats';
  return { pass: false, actual: `you recorded ${raw}, the server's ratio is ${live}: ${why}` };
}

/** The slow log's threshold as the learner set it, judged; null when it is right. */
function thresholdMistake(value: string): string | null {
  const us = Number(value);
  if (us === SLOWLOG_THRESHOLD_US) return null;
  if (us < 0) return `slowlog-log-slower-than is ${value}: a negative value switches the slow log off`;
  if (us === 0) return 'slowlog-log-slower-than is 0: every command is logged, and the 128 newest entries are all GETs';
  if (us < SLOWLOG_THRESHOLD_US) {
    return `slowlog-log-slower-than is ${value}, in microseconds: that is ${us / 1000} ms, not 10 ms, so ordinary commands flood the log`;
  }
  return `slowlog-log-slower-than is ${value} µs = ${us / 1000} ms: only commands slower than that are logged`;
}

async function slowlogFixed(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const value = await configGet(ctx.unrecorded, 'slowlog-log-slower-than');
  const mistake = thresholdMistake(value);
  if (mistake) return { pass: false, actual: mistake };
  const key = ctx.key(K.answer('slow-command'));
  const raw = await ctx.unrecorded.get(key);
  if (raw === null) return { pass: false, actual: `the slow log is on (10000 µs); now record the slow command's name in ${key}` };
  const name = raw.trim().split(/\s+/)[0]!.toUpperCase();
  if (name !== 'SORT') {
    const why =
      name === 'GET'
        ? 'GET is the command called most often (INFO commandstats), at about a microsecond a call; the slow log names the command whose single run took longest'
        : `${name} is not what the slow log caught`;
    return { pass: false, actual: `you recorded ${raw}: ${why}` };
  }
  // The report job runs its SORT every 0.7 s: the slow log, now on, catches it.
  const entry = await waitFor(
    async () => (await slowlog(ctx.unrecorded, 20)).find((e) => e.args[0]?.toUpperCase() === 'SORT') ?? null,
    2500,
  );
  return entry
    ? {
        pass: true,
        actual: `threshold 10000 µs; the slow log holds ${entry.args.slice(0, 2).join(' ')} … (${ms(entry.micros)}); you recorded ${raw}`,
      }
    : { pass: false, actual: 'no SORT in the slow log yet (is the report job running? :reset starts it)' };
}

export const diagnoseSteps: StepSpec[] = [
  {
    id: 'incident',
    kind: 'code',
    async run(ctx) {
      const load = await loadDataset(ctx.unrecorded, (n) => ctx.key(n));
      await restoreConfig(ctx.unrecorded);
      // What the previous on-call left behind: the slow log switched off "to save CPU".
      await ctx.redis.config('SET', 'slowlog-log-slower-than', '-1');
      await ctx.redis.dbsize();
      const app = await ensureApp(ctx);
      ctx.say(
        `Loaded ${count(load.keys, 'key')} with ${count(load.commands, 'pipelined command')} in ${load.ms.toFixed(0)} ms. ` +
          `The shop's app is running now, on four connections of its own: ${NAMES.web} (the web tier), ${NAMES.report} ` +
          `(a dashboard query every 0.7 s), ${NAMES.publisher} and ${NAMES.reader} (a live feed). It keeps running, ` +
          `unseen, until the step that ends the incident.`,
      );
      await sleep(300);
      ctx.say(`In its first 0.3 s the web tier sent ${count(app.stats.gets, 'GET')}.`);
    },
  },
  {
    id: 'info-stats',
    kind: 'code',
    async run(ctx) {
      await ensureApp(ctx);
      await ctx.redis.info('stats');
      const a = await info(ctx.unrecorded, 'stats');
      const t0 = performance.now();
      await sleep(1000);
      const b = await info(ctx.unrecorded, 'stats');
      const secs = (performance.now() - t0) / 1000;
      const ks = await info(ctx.unrecorded, 'keyspace');
      const rate = (f: string) => ((num(b[f]) - num(a[f])) / secs).toFixed(0);
      ctx.table(
        ['INFO stats field', 'now', 'per second (measured over 1 s)'],
        [
          ['total_commands_processed', b.total_commands_processed ?? '-', rate('total_commands_processed')],
          ['instantaneous_ops_per_sec', b.instantaneous_ops_per_sec ?? '-', '(the server’s own recent average)'],
          ['keyspace_hits', b.keyspace_hits ?? '-', rate('keyspace_hits')],
          ['keyspace_misses', b.keyspace_misses ?? '-', rate('keyspace_misses')],
          ['expired_keys', b.expired_keys ?? '-', rate('expired_keys')],
          ['evicted_keys', b.evicted_keys ?? '-', rate('evicted_keys')],
        ],
      );
      const db = /keys=(\d+),expires=(\d+)/.exec(ks.db0 ?? '');
      const keys = Number(db?.[1] ?? 0);
      const expires = Number(db?.[2] ?? 0);
      ctx.say(
        `INFO keyspace: db0 holds ${count(keys, 'key')}, ${expires.toLocaleString('en-US')} of them with a TTL: ` +
          `${count(keys - expires, 'key')} will stay until someone deletes them. expired_keys counts the app's one-time ` +
          `codes (1.5 s TTL) as the server deletes them: ${rate('expired_keys')} a second just now. evicted_keys is ` +
          `${b.evicted_keys ?? 0}: no maxmemory is set, so nothing is evicted (with a limit and the default noeviction ` +
          `policy, writes would fail instead).`,
      );
    },
  },
  {
    id: 'hit-ratio',
    kind: 'exercise',
    points: 2,
    async setup(ctx) {
      await incidentState(ctx, { slowlog: 'off', answer: 'hit-ratio' });
      // Counters from zero, then enough of the app's traffic that the ratio has settled.
      await ctx.unrecorded.config('RESETSTAT');
      await waitForLookups(ctx, BATCH_LOOKUPS * 80);
    },
    check: expanded(all(custom('the hit ratio hits ÷ (hits + misses) from INFO stats, within 0.03', hitRatioRecorded))),
    hints: [
      'INFO stats has keyspace_hits and keyspace_misses: every read of a key counts one or the other. The ratio is the share of reads that found their key.',
      'INFO stats   then   SET {ns}observability:answer:hit-ratio <hits / (hits + misses)>   (e.g. 0.81, or 81%)',
    ],
    solution: ['INFO stats', 'SET {ns}observability:answer:hit-ratio 0.73'],
    wrong: [
      // Hits divided by misses: a rate, not a ratio.
      ['INFO stats', 'SET {ns}observability:answer:hit-ratio 2.73'],
      // The miss ratio.
      ['INFO stats', 'SET {ns}observability:answer:hit-ratio 0.27'],
      // A round guess.
      ['SET {ns}observability:answer:hit-ratio 0.95'],
    ],
  },
  {
    id: 'commandstats',
    kind: 'code',
    async run(ctx) {
      await ensureApp(ctx);
      // The report job's SORT runs every 0.7 s: wait for one since the counters were reset.
      await waitFor(async () => ((await commandStats(ctx.unrecorded)).some((s) => s.command === 'sort') ? true : null), 2000);
      await ctx.redis.info('commandstats');
      const stats = (await commandStats(ctx.unrecorded)).sort((x, y) => y.usec - x.usec);
      const total = stats.reduce((s, x) => s + x.usec, 0) || 1;
      ctx.table(
        ['command', 'calls', 'usec (total)', 'usec_per_call', 'share'],
        stats
          .slice(0, 6)
          .map((s) => [
            s.command,
            s.calls.toLocaleString('en-US'),
            s.usec.toLocaleString('en-US'),
            s.usecPerCall.toFixed(2),
            `${((100 * s.usec) / total).toFixed(1)}%`,
          ]),
      );
      const get = stats.find((s) => s.command === 'get');
      const sort = stats.find((s) => s.command === 'sort');
      if (get && sort) {
        ctx.say(
          `GET: ${count(get.calls, 'call')} at ${get.usecPerCall.toFixed(2)} µs each. SORT: ${count(sort.calls, 'call')} at ` +
            `${ms(sort.usecPerCall)} each, ${Math.round(sort.usecPerCall / Math.max(get.usecPerCall, 0.01)).toLocaleString('en-US')} times ` +
            `a GET. Calls tell you what is busy; usec_per_call tells you what is slow, and a single-threaded server makes ` +
            `every other client wait while one slow call runs.`,
        );
      }
    },
  },
  {
    id: 'slowlog',
    kind: 'exercise',
    points: 3,
    async setup(ctx) {
      await incidentState(ctx, { slowlog: 'off', answer: 'slow-command' });
      await ctx.unrecorded.call('SLOWLOG', 'RESET');
    },
    check: expanded(all(custom('slowlog-log-slower-than 10000 (10 ms, in µs) and the slow command named', slowlogFixed))),
    hints: [
      'The slow log is configured in microseconds, and switched off by a negative value. Once it is on, the report job’s next run lands in it within a second.',
      'CONFIG SET slowlog-log-slower-than <microseconds>   SLOWLOG GET 5   SET {ns}observability:answer:slow-command <NAME>',
    ],
    solution: ['CONFIG SET slowlog-log-slower-than 10000', 'SLOWLOG GET 5', 'SET {ns}observability:answer:slow-command SORT'],
    wrong: [
      // 10 read as milliseconds: it is microseconds, and now every GET is logged.
      ['CONFIG SET slowlog-log-slower-than 10', 'SET {ns}observability:answer:slow-command SORT'],
      // The most called command is not the slowest.
      ['CONFIG SET slowlog-log-slower-than 10000', 'SET {ns}observability:answer:slow-command GET'],
      // A guess, with the slow log still off.
      ['SET {ns}observability:answer:slow-command SORT'],
      // Everything logged.
      ['CONFIG SET slowlog-log-slower-than 0', 'SET {ns}observability:answer:slow-command SORT'],
    ],
  },
  {
    id: 'slowlog-read',
    kind: 'code',
    async run(ctx) {
      const app = await ensureApp(ctx);
      if ((await configGet(ctx.unrecorded, 'slowlog-log-slower-than')) !== String(SLOWLOG_THRESHOLD_US)) {
        await ctx.redis.config('SET', 'slowlog-log-slower-than', String(SLOWLOG_THRESHOLD_US));
      }
      await waitFor(async () => ((await slowlog(ctx.unrecorded)).some((e) => e.args[0]?.toUpperCase() === 'SORT') ? true : null), 2500);
      await ctx.redis.call('SLOWLOG', 'LEN');
      await ctx.redis.call('SLOWLOG', 'GET', '3');
      const entries: SlowEntry[] = await slowlog(ctx.unrecorded, 3);
      ctx.table(
        ['id', 'when', 'took', 'command', 'client name'],
        entries.map((e) => [
          e.id,
          new Date(e.at * 1000).toISOString().slice(11, 19),
          ms(e.micros),
          e.args.join(' ').slice(0, 60),
          e.name || e.client,
        ]),
      );
      const sorts = entries.filter((e) => e.args[0]?.toUpperCase() === 'SORT');
      const rtt = app.stats.sortMs.slice(-5);
      if (sorts.length && rtt.length) {
        const server = Math.max(...sorts.map((e) => e.micros)) / 1000;
        ctx.say(
          `The slowest SORT took ${server.toFixed(1)} ms inside the server; the report job measured round trips of ` +
            `${Math.min(...rtt).toFixed(1)}–${Math.max(...rtt).toFixed(1)} ms. The slow log counts execution only: not the ` +
            `network, not the time a command waited in line behind others.`,
        );
      }
      await ctx.redis.call('SLOWLOG', 'RESET');
      await ctx.redis.call('SLOWLOG', 'LEN');
    },
  },
  {
    id: 'latency',
    kind: 'code',
    async run(ctx) {
      await ensureApp(ctx);
      await ctx.redis.call('LATENCY', 'RESET');
      await ctx.redis.config('SET', 'latency-monitor-threshold', String(LATENCY_THRESHOLD_MS));
      const t0 = performance.now();
      const seen = await waitFor(async () => {
        const latest = (await ctx.unrecorded.call('LATENCY', 'LATEST')) as unknown[][];
        return latest.length ? latest : null;
      }, 2500);
      const waited = performance.now() - t0;
      await ctx.redis.call('LATENCY', 'LATEST');
      if (seen) {
        const rows = seen.map((e) => [
          String(e[0]),
          new Date(Number(e[1]) * 1000).toISOString().slice(11, 19),
          `${String(e[2])} ms`,
          `${String(e[3])} ms`,
        ]);
        ctx.table(['event', 'last at', 'latest', 'all-time max'], rows);
        ctx.say(
          `The first event over ${LATENCY_THRESHOLD_MS} ms was recorded ${(waited / 1000).toFixed(1)} s after the monitor was switched on.`,
        );
      } else
        ctx.say(`No event over ${LATENCY_THRESHOLD_MS} ms in ${(waited / 1000).toFixed(1)} s: this machine ran the SORT faster than that.`);
      await ctx.redis.call('LATENCY', 'DOCTOR');
      await ctx.redis.call('LATENCY', 'HISTOGRAM', 'get', 'sort');
      const lat = await info(ctx.unrecorded, 'latencystats');
      const pct = (cmd: string) =>
        Object.fromEntries((lat[`latency_percentiles_usec_${cmd}`] ?? '').split(',').map((kv) => kv.split('=') as [string, string]));
      const rows = ['get', 'sort'].map((cmd) => {
        const p = pct(cmd);
        return [cmd, micros(p.p50), micros(p.p99), micros(p['p99.9'])];
      });
      ctx.table(['command (INFO latencystats)', 'p50', 'p99', 'p99.9'], rows);
      // Back to the lab's default: the monitor off.
      await ctx.redis.config('SET', 'latency-monitor-threshold', '0');
      const app = runningApp(ctx);
      if (app)
        ctx.say(
          `Meanwhile the web tier has sent ${count(app.stats.gets, 'GET')}, ${((100 * app.stats.hotGets) / Math.max(1, app.stats.gets)).toFixed(0)}% of them for one key.`,
        );
    },
  },
];
