// The append-only file: a restart reads the config file (AOF switched on at run time only is forgotten, its files
// ignored), each appendfsync policy's write throughput and its survivors after kill -9 counted side by side, and two
// exercises (AOF with everysec that survives a restart; a payment that survives kill -9, the check kills the node).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { custom } from '../../engine/checks.js';
import { count, expanded } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import {
  DEFAULT_SAVE,
  crashAndRestart,
  fileConfig,
  liveConfig,
  nodeOf,
  persistenceFiles,
  pristine,
  reconnected,
  restartClean,
  untilIdle,
} from './lib/node.js';
import { LEDGER_KEYS, POLICY_CLIENTS, POLICY_EACH, POLICY_WRITES, countExisting, fill, keyRange } from './shared.js';

/** How long each policy's timed writes may run at most (a slow disk makes `always` slow: the run stays bounded). */
const POLICY_BUDGET_MS = 1500;

const aofFiles = (ctx: LessonContext) => persistenceFiles(nodeOf(ctx)).filter((f) => f.path.startsWith('appendonlydir/'));

/** config-restart: AOF on at run time, a restart, AOF off again and the probe gone; then with CONFIG REWRITE. */
async function configRestart(ctx: LessonContext): Promise<void> {
  await pristine(ctx);
  const r = ctx.redis;
  const probe = ctx.key('persistence:probe');
  await r.config('SET', 'appendonly', 'yes');
  await untilIdle(ctx);
  await r.set(probe, 'written with AOF on');
  const files = aofFiles(ctx);
  ctx.say(
    `AOF is on and the write is in it: appendonlydir/ holds ${count(files.length, 'file')}. Now a clean restart ` +
      `(SIGTERM, what systemctl restart sends), which reads the config file:`,
  );
  const ms = await restartClean(ctx);
  const after = (await r.config('GET', 'appendonly')) as string[];
  const there = await r.exists(probe);
  ctx.say(
    `Back in ${ms} ms with appendonly ${after[1]} and the probe ${there ? 'still there' : 'gone'}, though ` +
      `appendonlydir/ still holds ${count(aofFiles(ctx).length, 'file')}: the config file says appendonly no, so the ` +
      `node never opened them. CONFIG SET changes the running process only. Again, with CONFIG REWRITE:`,
  );
  await r.config('SET', 'appendonly', 'yes');
  await untilIdle(ctx);
  await r.call('CONFIG', 'REWRITE');
  const lines = readFileSync(nodeOf(ctx).conf, 'utf8')
    .split('\n')
    .filter((l) => /^(appendonly|appendfsync|save)\b/.test(l));
  ctx.say(`the config file now reads: ${lines.join(' · ')}`);
  await r.set(probe, 'written after CONFIG REWRITE');
  const ms2 = await restartClean(ctx);
  const again = (await r.config('GET', 'appendonly')) as string[];
  const value = await r.get(probe);
  ctx.say(`Restarted in ${ms2} ms: appendonly ${again[1]}, probe = "${String(value)}", replayed from the AOF.`);
}

interface PolicyRun {
  policy: string;
  single: number;
  parallel: number;
  acked: number;
  survived: number;
}

/** Sequential SETs on one connection until `n` or the deadline: the acknowledged keys, and how long it took. */
async function timedWrites(conns: readonly Redis[], prefix: string, each: number): Promise<{ acked: string[]; ms: number }> {
  const acked: string[] = [];
  const t0 = performance.now();
  const deadline = t0 + POLICY_BUDGET_MS;
  await Promise.all(
    conns.map(async (c, ci) => {
      for (let i = 0; i < each && performance.now() < deadline; i++) {
        const k = `${prefix}:${ci}:${i}`;
        if ((await c.set(k, 'x'.repeat(64))) === 'OK') acked.push(k);
      }
    }),
  );
  return { acked, ms: performance.now() - t0 };
}

/** What a power loss can take under each policy, on this machine. */
function powerLossRisk(policy: string): string {
  if (policy === 'always') return 'nothing acknowledged';
  if (policy === 'everysec') return 'about the last second';
  let expire = 30;
  try {
    expire = Number(readFileSync('/proc/sys/vm/dirty_expire_centisecs', 'utf8')) / 100;
  } catch {
    /* not Linux: keep the usual 30 s */
  }
  return `up to ~${Math.round(expire)} s (this kernel's vm.dirty_expire_centisecs)`;
}

/** aof-policies: for always, everysec and no, write throughput (1 client, 16 clients) and survivors of kill -9. */
async function policies(ctx: LessonContext): Promise<void> {
  await pristine(ctx);
  const r = ctx.redis;
  await r.config('SET', 'appendonly', 'yes');
  await untilIdle(ctx);
  await r.call('CONFIG', 'REWRITE');
  const many = await ctx.clients(POLICY_CLIENTS);
  const runs: PolicyRun[] = [];
  for (const policy of ['always', 'everysec', 'no']) {
    await r.config('SET', 'appendfsync', policy);
    await reconnected([ctx.unrecorded, ...many]);
    const one = await timedWrites([ctx.unrecorded], ctx.key(`persistence:aof:${policy}:one`), POLICY_WRITES);
    const par = await timedWrites(many, ctx.key(`persistence:aof:${policy}:many`), POLICY_EACH);
    const acked = [...one.acked, ...par.acked];
    // The kill comes right after the last reply: no fsync policy had a chance to run a second time.
    await crashAndRestart(ctx);
    const survived = await countExisting(ctx.unrecorded, acked);
    runs.push({
      policy,
      single: Math.round(one.acked.length / (one.ms / 1000)),
      parallel: Math.round(par.acked.length / (par.ms / 1000)),
      acked: acked.length,
      survived,
    });
  }
  ctx.table(
    ['appendfsync', '1 client w/s', `${POLICY_CLIENTS} clients w/s`, 'acked', 'after kill -9', 'lost'],
    runs.map((x) => [
      x.policy,
      x.single.toLocaleString('en-US'),
      x.parallel.toLocaleString('en-US'),
      x.acked,
      x.survived,
      x.acked - x.survived,
    ]),
  );
  const [always, everysec] = runs;
  const lost = runs.reduce((n, x) => n + x.acked - x.survived, 0);
  ctx.say(
    `kill -9 lost ${count(lost, 'acknowledged write')} under all three policies: Redis write(2)s its AOF buffer before it ` +
      `sends the replies, and a dead process's writes are already in the kernel's page cache. What the policy changes is ` +
      `the fsync, and the price: one client with always ran at ${always!.single.toLocaleString('en-US')} writes/s, ` +
      `${(everysec!.single / Math.max(1, always!.single)).toFixed(1)}× slower than everysec; ${POLICY_CLIENTS} clients ` +
      `reached ${always!.parallel.toLocaleString('en-US')} writes/s with always, because one fsync covers every write of ` +
      `one event-loop turn.`,
  );
  ctx.say(`What a power loss could take instead: ${runs.map((x) => `${x.policy}, ${powerLossRisk(x.policy)}`).join('; ')}.`);
}

/** aof-everysec: AOF on with everysec, live (its first rewrite done) and in the config file a restart reads. */
async function aofEverysec(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const info = await untilIdle(ctx, 5000);
  const live = { appendonly: await liveConfig(ctx, 'appendonly'), appendfsync: await liveConfig(ctx, 'appendfsync') };
  const file = fileConfig(nodeOf(ctx));
  const now = `live: appendonly ${live.appendonly}, appendfsync ${live.appendfsync}`;
  const disk = `config file: appendonly ${file.appendonly}, appendfsync ${file.appendfsync}`;
  if (live.appendonly !== 'yes' || info.aof_enabled !== '1') return { pass: false, actual: `${now}: the node writes no AOF` };
  if (live.appendfsync !== 'everysec') {
    const why = live.appendfsync === 'no' ? 'leaves the fsync to the kernel' : 'pays a disk flush per write round';
    return { pass: false, actual: `${now}: expected everysec (${live.appendfsync} ${why})` };
  }
  if (file.appendonly !== 'yes' || file.appendfsync !== 'everysec') {
    return { pass: false, actual: `${now}, but ${disk}: a restart would come back with that` };
  }
  if (info.aof_last_bgrewrite_status !== 'ok')
    return { pass: false, actual: `the first AOF rewrite failed: ${info.aof_last_bgrewrite_status}` };
  return { pass: true, actual: `${now}; ${disk}` };
}

/** survive-kill: the check itself kills the node (kill -9) and starts it from its files, then looks for the payment. */
async function survivesKill(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const key = ctx.key('persistence:payment:77');
  if ((await ctx.unrecorded.get(key)) !== 'paid') return { pass: false, actual: `${key} is not "paid" yet: nothing to crash-test` };
  await untilIdle(ctx, 5000);
  const typed = ctx.history.map((c) => c.args.join(' ').toLowerCase());
  const ms = await crashAndRestart(ctx);
  const value = await ctx.unrecorded.get(key);
  const ledger = await countExisting(ctx.unrecorded, keyRange(ctx.key('persistence:ledger'), LEDGER_KEYS));
  const file = fileConfig(nodeOf(ctx));
  const seen = `the check ran kill -9 and restarted the node (${ms} ms): ${key} = ${value === null ? '(nil)' : `"${value}"`}, ledger ${ledger}/${LEDGER_KEYS}`;
  if (value === 'paid' && ledger === LEDGER_KEYS) return { pass: true, actual: seen };
  let why = 'it was written after the last snapshot, and nothing else kept it';
  if (typed.some((t) => t.startsWith('config set appendonly yes')) && file.appendonly !== 'yes') {
    why = 'AOF was on at run time only: the restarted node read appendonly no from its file and loaded dump.rdb';
  } else if (typed.some((t) => t.startsWith('config set appendfsync')) && file.appendonly !== 'yes') {
    why = 'appendfsync only says how often to fsync the AOF: with appendonly no there is no AOF';
  }
  return { pass: false, actual: `${seen}: ${why}. Type your commands again (the node is back, from its files)` };
}

export const aofSteps: StepSpec[] = [
  { id: 'config-restart', kind: 'code', run: configRestart },
  {
    id: 'aof-everysec',
    kind: 'exercise',
    points: 3,
    async setup(ctx) {
      await pristine(ctx);
      await ctx.unrecorded.config('SET', 'appendfsync', 'no');
      await ctx.unrecorded.call('CONFIG', 'REWRITE');
    },
    check: expanded(custom('appendonly yes and appendfsync everysec, on the node and in its config file', aofEverysec)),
    hints: [
      'Two settings to change at run time, then one command so that a restart keeps them.',
      'CONFIG SET appendonly yes · CONFIG SET appendfsync everysec · CONFIG REWRITE',
    ],
    solution: ['CONFIG SET appendonly yes', 'CONFIG SET appendfsync everysec', 'CONFIG REWRITE'],
    wrong: [
      // Right now, gone at the next restart.
      ['CONFIG SET appendonly yes', 'CONFIG SET appendfsync everysec'],
      // Kept, but still fsync left to the kernel.
      ['CONFIG SET appendonly yes', 'CONFIG REWRITE'],
      // The policy of an AOF that is not written.
      ['CONFIG SET appendfsync everysec', 'CONFIG REWRITE'],
    ],
  },
  { id: 'aof-policies', kind: 'code', run: policies },
  { id: 'power-loss', kind: 'explain' },
  {
    id: 'survive-kill',
    kind: 'exercise',
    points: 3,
    async setup(ctx) {
      await pristine(ctx);
      const r = ctx.unrecorded;
      await r.config('SET', 'save', DEFAULT_SAVE);
      await r.call('CONFIG', 'REWRITE');
      await fill(r, ctx.key('persistence:ledger'), LEDGER_KEYS);
      await r.bgsave();
      const info = await untilIdle(ctx);
      if (info.rdb_last_bgsave_status !== 'ok') throw new Error(`survive-kill setup: BGSAVE ${info.rdb_last_bgsave_status}`);
    },
    check: expanded(
      custom(`{ns}persistence:payment:77 = "paid" and the ${LEDGER_KEYS} ledger entries after kill -9 and a restart`, survivesKill),
    ),
    hints: [
      'A snapshot taken now would keep this write, but not the next one: make the node log every write, in a way its next start will read.',
      'CONFIG SET appendonly yes · CONFIG REWRITE · then SET {ns}persistence:payment:77 paid',
    ],
    solution: ['CONFIG SET appendonly yes', 'CONFIG REWRITE', 'SET {ns}persistence:payment:77 paid'],
    wrong: [
      // Acknowledged, in memory only: the last snapshot is older.
      ['SET {ns}persistence:payment:77 paid'],
      // AOF on until the restart, which reads appendonly no and loads dump.rdb.
      ['CONFIG SET appendonly yes', 'SET {ns}persistence:payment:77 paid'],
      // A fsync policy for an AOF that is not written.
      ['CONFIG SET appendfsync always', 'CONFIG REWRITE', 'SET {ns}persistence:payment:77 paid'],
    ],
  },
];
