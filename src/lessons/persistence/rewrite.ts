// Redis 7's multi-part AOF: the node's appendonlydir listed (manifest, base, incr), an incr file grown by thousands
// of INCRs, BGREWRITEAOF folding it into a new base, and an exercise to compact it.
import { custom } from '../../engine/checks.js';
import { count, expanded, formatBytes } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { aofFileBytes, manifest, manifestText, nodeOf, persistenceFiles, pristine, untilIdle } from './lib/node.js';
import { REWRITE_VISITS, SMALL_INCR, VISITS, incrMany } from './shared.js';

/** The AOF dir as `ls -l` shows it: name → bytes. */
function listing(ctx: LessonContext): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of persistenceFiles(nodeOf(ctx))) if (f.path.startsWith('appendonlydir/')) out.set(f.path.slice(14), f.bytes);
  return out;
}

/** The incr files the manifest names, and their bytes. */
function incrBytes(ctx: LessonContext): { files: string[]; bytes: number } {
  const node = nodeOf(ctx);
  const files = manifest(node)
    .filter((e) => e.type === 'i')
    .map((e) => e.file);
  return { files, bytes: files.reduce((n, f) => n + aofFileBytes(node, f), 0) };
}

/** Turns AOF on (its first rewrite done) and writes it to the config file. */
async function aofOn(ctx: LessonContext, recorded: boolean): Promise<void> {
  const r = recorded ? ctx.redis : ctx.unrecorded;
  await r.config('SET', 'appendonly', 'yes');
  await untilIdle(ctx);
  await r.call('CONFIG', 'REWRITE');
}

/** aof-files: the files after AOF is switched on, after many INCRs, and after BGREWRITEAOF. */
async function aofFiles(ctx: LessonContext): Promise<void> {
  await pristine(ctx);
  const node = nodeOf(ctx);
  await aofOn(ctx, true);
  const first = listing(ctx);
  ctx.say(`appendonlydir/ after switching AOF on: ${[...first].map(([f, b]) => `${f} (${formatBytes(b)})`).join(', ')}`);
  ctx.say(`its manifest: ${(manifestText(node) ?? '').trim().split('\n').join(' · ')}`);
  const key = ctx.key('persistence:visits');
  await incrMany(ctx.unrecorded, key, VISITS);
  await ctx.redis.get(key);
  const grown = listing(ctx);
  const r = ctx.redis;
  await r.bgrewriteaof();
  const info = await untilIdle(ctx);
  const after = listing(ctx);
  await r.get(key);
  const names = [...new Set([...first.keys(), ...grown.keys(), ...after.keys()])].filter((n) => !n.endsWith('.manifest'));
  const cell = (m: Map<string, number>, n: string) => (m.has(n) ? formatBytes(m.get(n)!) : '—');
  ctx.table(
    ['appendonlydir/appendonly.aof.*', 'AOF on', `${count(VISITS, 'INCR')}`, 'BGREWRITEAOF'],
    names.map((n) => [n.replace(/^appendonly\.aof\./, '*.'), cell(first, n), cell(grown, n), cell(after, n)]),
  );
  ctx.say(`the manifest now: ${(manifestText(node) ?? '').trim().split('\n').join(' · ')}`);
  ctx.say(
    `${count(VISITS, 'INCR')} were ${count(VISITS, 'line')} of the incr file; the rewrite child wrote the one value there ` +
      `is into a new base (RDB format: aof-use-rdb-preamble yes), the node opened a fresh incr file for new writes, and ` +
      `the old pair was dropped from the manifest and deleted. aof_base_size:${info.aof_base_size ?? '?'}, ` +
      `aof_current_size:${info.aof_current_size ?? '?'}. Redis does this by itself when the AOF has doubled since the last ` +
      `rewrite (auto-aof-rewrite-percentage 100) and is over 64 MB (auto-aof-rewrite-min-size).`,
  );
}

/** rewrite-aof: the incr files small, the base rewritten, the counter intact. */
async function compacted(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const info = await untilIdle(ctx, 5000);
  const key = ctx.key('persistence:visits');
  const v = await ctx.unrecorded.get(key);
  const { files, bytes } = incrBytes(ctx);
  const seen = `incr ${files.join(', ') || '(none)'}: ${formatBytes(bytes)}; ${key} = ${v === null ? '(nil)' : v}`;
  if (info.aof_enabled !== '1') return { pass: false, actual: `AOF is off (aof_enabled:${info.aof_enabled}); ${seen}` };
  if (v !== String(REWRITE_VISITS)) return { pass: false, actual: `${seen}: the counter must stay ${REWRITE_VISITS}` };
  if (bytes >= SMALL_INCR) {
    return {
      pass: false,
      actual: `${seen}: the incr file still holds every write since the last rewrite; only a rewrite folds them into a new base`,
    };
  }
  return { pass: true, actual: seen };
}

export const rewriteSteps: StepSpec[] = [
  { id: 'aof-files', kind: 'code', run: aofFiles },
  {
    id: 'rewrite-aof',
    kind: 'exercise',
    points: 2,
    async setup(ctx) {
      await pristine(ctx);
      await aofOn(ctx, false);
      await incrMany(ctx.unrecorded, ctx.key('persistence:visits'), REWRITE_VISITS);
    },
    check: expanded(custom(`the incr AOF under ${formatBytes(SMALL_INCR)} and {ns}persistence:visits still ${REWRITE_VISITS}`, compacted)),
    hints: [
      'The incr file only grows; a background rewrite folds it into a new base file and starts an empty incr.',
      'BGREWRITEAOF   (then INFO persistence: aof_rewrite_in_progress:0, aof_last_bgrewrite_status:ok)',
    ],
    solution: ['BGREWRITEAOF'],
    wrong: [
      // The snapshot file: the AOF is untouched.
      ['BGSAVE'],
      // Setting the final value appends one more line.
      [`SET {ns}persistence:visits ${REWRITE_VISITS}`],
      // The automatic rewrite also needs auto-aof-rewrite-min-size (64 MB): nothing happens.
      ['CONFIG SET auto-aof-rewrite-percentage 10'],
    ],
  },
];
