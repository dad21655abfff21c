// The persistence lab's one node as the lesson sees it: its INFO persistence fields, its config file as a restart
// will read it, the files in its dir, and the moves the lesson makes on it (crash and restart from its own files, wait
// for a background save or rewrite to end, put it back exactly as the lab started it).
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { LessonContext, LessonLab } from '../../../engine/types.js';
import { adminCall, adminInfo } from '../../../lab/admin.js';
import type { LabNode } from '../../../lab/node-process.js';
import { sleep } from '../../../patterns/index.js';

/** The single topology's node. */
export const NODE = 'node';

export function labOf(ctx: LessonContext): LessonLab {
  if (!ctx.lab) throw new Error('the persistence lesson runs on its single lab (withLabLesson)');
  return ctx.lab;
}

export function nodeOf(ctx: LessonContext): LabNode {
  return labOf(ctx).lab.node(NODE);
}

// The library's sleep, re-exported for this lesson's steps.
export { sleep };

/** `INFO persistence` as fields, over a bare socket (works while the lesson's own connections reconnect). */
export function persistence(ctx: LessonContext): Promise<Record<string, string>> {
  return adminInfo(nodeOf(ctx).port, 'persistence', { timeoutMs: 3000 });
}

/** One CONFIG GET value, over a bare socket. */
export async function liveConfig(ctx: LessonContext, name: string): Promise<string> {
  const r = await adminCall(nodeOf(ctx).port, ['CONFIG', 'GET', name], { timeoutMs: 3000 });
  return Array.isArray(r) ? String(r[1] ?? '') : '';
}

/** True while a BGSAVE or an AOF rewrite runs or is scheduled. */
export function busy(info: Record<string, string>): boolean {
  return (
    info.rdb_bgsave_in_progress === '1' ||
    info.aof_rewrite_in_progress === '1' ||
    // Turning AOF on starts with a rewrite: until it ends, the node has no AOF a restart could load.
    info.aof_rewrite_scheduled === '1'
  );
}

/** Waits (at most `ms`) until no background save or rewrite runs; returns the last INFO persistence it read. */
export async function untilIdle(ctx: LessonContext, ms = 8000): Promise<Record<string, string>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const info = await persistence(ctx);
    if (!busy(info) || Date.now() > deadline) return info;
    await sleep(20);
  }
}

/** The lesson's connections to the node are connected again (after a restart), each within a bounded wait. */
async function connectionsBack(ctx: LessonContext): Promise<void> {
  const conns: Redis[] = [ctx.sb.client, ctx.sb.learner, ctx.sb.admin];
  const deadline = Date.now() + 5000;
  for (const c of conns) {
    while (c.status !== 'ready' && Date.now() < deadline) await sleep(10);
  }
  while (Date.now() < deadline) {
    try {
      await ctx.unrecorded.ping();
      return;
    } catch {
      await sleep(20);
    }
  }
}

/** The pids of the node's forks (a BGSAVE or rewrite child), read from /proc: a killed parent leaves them running. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      // Field 4 (after the parenthesised name) is the parent pid.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(e));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/**
 * kill -9 of the node, then a start from its own files (config file, RDB, AOF). Resolves once it answers and the
 * lesson's connections are back; returns how long the node was down.
 */
export async function crashAndRestart(ctx: LessonContext): Promise<number> {
  const lab = labOf(ctx).lab;
  const t0 = Date.now();
  await quietly(ctx, async () => {
    await lab.kill(NODE);
    await lab.restart(NODE);
    await connectionsBack(ctx);
  });
  return Date.now() - t0;
}

/**
 * Runs `fn` with the recorder paused: a connection that comes back after a restart sends its handshake (CLIENT
 * SETINFO…) on its own, which is not a lesson command.
 */
function quietly<T>(ctx: LessonContext, fn: () => Promise<T>): Promise<T> {
  return ctx.sb.recorder.unrecorded(fn);
}

/** A clean restart (SIGTERM, as `systemctl restart` sends): the node starts again from its config file and data files. */
export async function restartClean(ctx: LessonContext): Promise<number> {
  const t0 = Date.now();
  await quietly(ctx, async () => {
    await labOf(ctx).lab.restart(NODE);
    await connectionsBack(ctx);
  });
  return Date.now() - t0;
}

/** Waits until these extra connections are connected again after a restart (bounded). */
export async function reconnected(conns: readonly Redis[], ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  for (const c of conns) while (c.status !== 'ready' && Date.now() < deadline) await sleep(10);
}

/**
 * The node exactly as the lab started it: no disk budget, no save or rewrite running, killed (so nothing is saved on
 * the way out), its persistence files removed, its original config file written back, started again, empty.
 */
export function pristine(ctx: LessonContext): Promise<void> {
  return quietly(ctx, () => wipe(ctx));
}

async function wipe(ctx: LessonContext): Promise<void> {
  const lab = labOf(ctx).lab;
  const node = nodeOf(ctx);
  if (node.running) {
    await lab.diskBudget(NODE, null).catch(() => undefined);
    if (node.paused) await lab.resume(NODE);
    // A save child outliving its parent would still rename its temp file to dump.rdb after the cleanup below.
    await untilIdle(ctx, 3000).catch(() => undefined);
    const forks = node.pid === null ? [] : childrenOf(node.pid);
    await lab.kill(NODE);
    for (const pid of forks) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  for (const name of readdirSync(node.dir)) {
    if (name === 'dump.rdb' || name === 'appendonlydir' || /^temp-.*\.(rdb|aof)$/.test(name)) {
      rmSync(join(node.dir, name), { recursive: true, force: true });
    }
  }
  node.writeConfig(node.port, node.busPort);
  await lab.restart(NODE);
  await connectionsBack(ctx);
}

/** A config file's lines as redis.conf reads them: directive (lower case) and arguments, quotes undone. */
export function parseConfig(text: string): [string, string[]][] {
  const out: [string, string[]][] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const args: string[] = [];
    let i = 0;
    while (i < line.length) {
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (i >= line.length) break;
      let arg = '';
      const q = line[i];
      if (q === '"' || q === "'") {
        i++;
        while (i < line.length && line[i] !== q) {
          if (line[i] === '\\' && q === '"' && i + 1 < line.length) i++;
          arg += line[i++];
        }
        i++;
      } else {
        while (i < line.length && line[i] !== ' ' && line[i] !== '\t') arg += line[i++];
      }
      args.push(arg);
    }
    if (args.length) out.push([args[0]!.toLowerCase(), args.slice(1)]);
  }
  return out;
}

/** Redis 7's save points when the config file names none (also its built-in default since 6.2). */
export const DEFAULT_SAVE = '3600 1 300 100 60 10000';

/** What a restart would read from the node's config file. */
export interface FileConfig {
  /** Save points as "seconds changes …" ("" = snapshots off). */
  save: string;
  appendonly: string;
  appendfsync: string;
  stopWritesOnBgsaveError: string;
  /** The raw text, for a step to show a line of it. */
  text: string;
}

export function fileConfig(node: LabNode): FileConfig {
  const text = readFileSync(node.conf, 'utf8');
  const lines = parseConfig(text);
  const last = (name: string, dflt: string) => {
    let v = dflt;
    for (const [d, a] of lines) if (d === name) v = a.join(' ');
    return v;
  };
  // The first `save` line replaces the built-in default; later ones add points; `save ""` clears them all.
  let save: string[] | null = null;
  for (const [d, a] of lines) {
    if (d !== 'save') continue;
    save ??= [];
    if (a.length === 1 && a[0] === '') save = [];
    else save.push(...a);
  }
  return {
    save: save === null ? DEFAULT_SAVE : save.join(' '),
    appendonly: last('appendonly', 'no'),
    appendfsync: last('appendfsync', 'everysec'),
    stopWritesOnBgsaveError: last('stop-writes-on-bgsave-error', 'yes'),
    text,
  };
}

/** Save points as a comparable set: "60 5000 900 1" and "900 1 60 5000" are the same points. */
export function savePoints(s: string): string {
  const n = s.trim().split(/\s+/).filter(Boolean);
  const pairs: string[] = [];
  for (let i = 0; i + 1 < n.length; i += 2) pairs.push(`${Number(n[i])} ${Number(n[i + 1])}`);
  return pairs.sort((a, b) => Number(b.split(' ')[0]) - Number(a.split(' ')[0])).join(' ');
}

/** A file in the node's dir (or its AOF dir) and its size. */
export interface NodeFile {
  path: string;
  bytes: number;
}

/** dump.rdb and the AOF dir's files, as `ls` would show them. */
export function persistenceFiles(node: LabNode): NodeFile[] {
  const out: NodeFile[] = [];
  const at = (rel: string) => {
    try {
      const st = statSync(join(node.dir, rel));
      if (st.isFile()) out.push({ path: rel, bytes: st.size });
    } catch {
      /* absent */
    }
  };
  at('dump.rdb');
  try {
    for (const f of readdirSync(join(node.dir, 'appendonlydir')).sort()) at(`appendonlydir/${f}`);
  } catch {
    /* no AOF dir */
  }
  return out;
}

/** One line of the multi-part AOF manifest: `file appendonly.aof.2.incr.aof seq 2 type i`. */
export interface ManifestEntry {
  file: string;
  seq: number;
  /** b (base), i (incr), h (history, about to be deleted). */
  type: string;
}

export function manifestText(node: LabNode): string | null {
  try {
    const dir = join(node.dir, 'appendonlydir');
    const name = readdirSync(dir).find((f) => f.endsWith('.manifest'));
    return name ? readFileSync(join(dir, name), 'utf8') : null;
  } catch {
    return null;
  }
}

export function manifest(node: LabNode): ManifestEntry[] {
  const text = manifestText(node);
  if (!text) return [];
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((p) => p[0] === 'file')
    .map((p) => {
      const at = (k: string) => p[p.indexOf(k) + 1] ?? '';
      return { file: p[1] ?? '', seq: Number(at('seq')), type: at('type') };
    });
}

/** Bytes of one AOF file named in the manifest (0 when absent). */
export function aofFileBytes(node: LabNode, file: string): number {
  try {
    return statSync(join(node.dir, 'appendonlydir', file)).size;
  } catch {
    return 0;
  }
}

/** The node's log size: a disk budget must leave room for the node's own log lines, or the node itself is killed. */
export function logBytes(node: LabNode): number {
  try {
    return statSync(node.log).size;
  } catch {
    return 0;
  }
}
