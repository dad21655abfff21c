// The one path every command a learner types takes (lesson exercises, the REPL, quiz answers):
// tokenize → judge → confirm → execute → record.
//
// Execution keeps ownership honest: a command that may write runs as WATCH <its keys> → ownership check → MULTI
// <command> EXEC on the learner connection, so a key another client creates in between aborts it instead of being
// changed, and only keys our command created are claimed. The learner's own MULTI is held by redis-learn and sent
// with EXEC the same way (replies MULTI → OK and QUEUED are given by redis-learn, as Redis would give them).
// Blocking commands cannot run inside MULTI (they would not block): they are checked first and claimed after.
import type { Redis } from 'ioredis';
import { ConnectionError, errorMessage } from '../errors.js';
import { judge, type Judgement, type KeyUse } from './judge.js';
import type { RecordedCommand } from './recorder.js';
import { isConnectionLoss, type Sandbox } from './sandbox.js';
import { commandLine, tokenize } from './tokenize.js';

export interface LearnerOptions {
  /** Who owns the keys the command creates: a lesson id, 'repl' or 'quiz'. */
  scope: string;
  /**
   * Asked before a risky command on the private server, with the one question text redis-learn uses
   * (confirmQuestion); absent, or answered no: the command is not run.
   */
  confirm?: (question: string) => Promise<boolean>;
}

export type LearnerResult = { status: 'ran'; record: RecordedCommand; note?: string } | { status: 'refused'; reason: string };

/** The confirmation every front end asks, in the same words. */
export function confirmQuestion(reason: string): string {
  return `${reason}. Run it on the private server? (yes/no)`;
}

/** How long a script may run on the private server before redis-learn stops it. */
export const SCRIPT_LIMIT_MS = 2000;

interface Held {
  args: string[];
  keys: KeyUse[];
}

/** Per-sandbox state of the learner connection: a MULTI being held. */
interface LearnerState {
  held: Held[] | null;
  /** A queued command was rejected (unknown or wrong arity): EXEC answers EXECABORT, as Redis would. */
  dirty: boolean;
  /**
   * The learner's connection has keys WATCHed (outside MULTI). A write sent alone then skips our own MULTI wrapper:
   * its EXEC would forget the learner's WATCH, and Redis's rule (a watched key the client itself writes aborts its
   * EXEC) would no longer hold.
   */
  watching: boolean;
  /** In a lab lesson: the node the learner's MULTI or WATCH is open on (endLearnerTurn tidies it there). */
  labNode?: string;
}

const states = new WeakMap<Sandbox, LearnerState>();

function state(sb: Sandbox): LearnerState {
  let s = states.get(sb);
  if (!s) {
    s = { held: null, dirty: false, watching: false };
    states.set(sb, s);
  }
  return s;
}

function synthetic(args: readonly string[], reply: unknown, keys: KeyUse[] = [], error?: string): RecordedCommand {
  return {
    command: commandLine(args),
    args: [...args],
    reply: error !== undefined ? new Error(error) : reply,
    error,
    ms: 0,
    keys: keys.map((k) => k.key),
    write: keys.some((k) => k.write),
  };
}

/** Judges a command line without sending it (used to tell beforehand whether a lesson's solution can run here). */
export async function judgeLine(sb: Sandbox, line: string): Promise<Judgement> {
  let args: string[];
  try {
    args = tokenize(line);
  } catch (err) {
    return { ok: false, reason: errorMessage(err) };
  }
  return judge(sb.judgeContext(), args);
}

/** Runs one learner command line through the whole path. */
export async function runLearnerCommand(sb: Sandbox, input: string | readonly string[], opts: LearnerOptions): Promise<LearnerResult> {
  let args: string[];
  if (typeof input === 'string') {
    try {
      args = tokenize(input);
    } catch (err) {
      return { status: 'refused', reason: errorMessage(err) };
    }
  } else args = [...input];
  if (args.length === 0) return { status: 'refused', reason: 'empty command' };
  const verdict = await judge(sb.judgeContext(), args);
  if (!verdict.ok) return { status: 'refused', reason: verdict.reason };
  if (verdict.confirm) {
    const yes = opts.confirm ? await opts.confirm(confirmQuestion(verdict.confirm)) : false;
    if (!yes) return { status: 'refused', reason: `not run: ${verdict.confirm}` };
  }
  try {
    if (sb.lab) return await executeOnLab(sb, args);
    return await execute(sb, args, verdict, opts.scope);
  } catch (err) {
    if (isConnectionLoss(err)) throw new ConnectionError('lost the connection to Redis');
    throw err;
  }
}

/** Whether the learner is inside MULTI (commands are being queued until EXEC or DISCARD). */
export function inLearnerTransaction(sb: Sandbox): boolean {
  return state(sb).held !== null;
}

/** Leaves the learner connection clean after an exercise or question: no held MULTI, nothing watched. */
export async function endLearnerTurn(sb: Sandbox): Promise<void> {
  const s = state(sb);
  if (sb.lab) {
    const node = s.labNode;
    const open = s.held !== null;
    s.held = null;
    s.dirty = false;
    s.watching = false;
    s.labNode = undefined;
    if (node === undefined) return;
    const conn = await sb.lab.learnerConnection(node);
    await sb.recorder.unrecorded(async () => {
      if (open) await conn.call('DISCARD').catch(() => undefined);
      await conn.call('UNWATCH').catch(() => undefined);
    });
    return;
  }
  s.held = null;
  s.dirty = false;
  s.watching = false;
  await sb.recorder.unrecorded(() => sb.learner.call('UNWATCH').catch(() => undefined));
}

async function execute(sb: Sandbox, args: string[], verdict: Extract<Judgement, { ok: true }>, scope: string): Promise<LearnerResult> {
  const s = state(sb);
  const name = args[0]!.toUpperCase();
  const keys = verdict.keys;
  const record = (rec: RecordedCommand, note?: string): LearnerResult => {
    sb.recorder.record(rec);
    return { status: 'ran', record: rec, note };
  };

  if (name === 'MULTI' && args.length === 1) {
    if (s.held) return record(synthetic(args, null, [], 'ERR MULTI calls can not be nested'));
    s.held = [];
    s.dirty = false;
    return record(synthetic(args, 'OK'), 'held by redis-learn: the queued commands are sent with EXEC, atomically');
  }
  if (s.held) {
    if (name === 'EXEC' && args.length === 1) {
      const held = s.held;
      const dirty = s.dirty;
      s.held = null;
      s.dirty = false;
      s.watching = false;
      if (dirty) {
        await sb.recorder.unrecorded(() => sb.learner.call('UNWATCH'));
        return record(synthetic(args, null, [], 'EXECABORT Transaction discarded because of previous errors.'));
      }
      return atomically(sb, held, scope, true);
    }
    if (name === 'DISCARD' && args.length === 1) {
      s.held = null;
      s.dirty = false;
      s.watching = false;
      // DISCARD also forgets what the learner watched, as in Redis.
      await sb.recorder.unrecorded(() => sb.learner.call('UNWATCH'));
      return record(synthetic(args, 'OK'));
    }
    if (name === 'WATCH') return record(synthetic(args, null, [], 'ERR WATCH inside MULTI is not allowed'));
    if (!knownAndWellFormed(sb, args)) {
      // Redis rejects it at queue time and aborts the transaction at EXEC: send it alone for the server's own error.
      s.dirty = true;
      return plain(sb, args);
    }
    s.held.push({ args, keys });
    return record(synthetic(args, 'QUEUED', keys));
  }

  if (name === 'WATCH' || name === 'UNWATCH') {
    const res = await plain(sb, args);
    if (res.status === 'ran' && !res.record.error) s.watching = name === 'WATCH';
    return res;
  }
  const writes = keys.filter((k) => k.write);
  if (!writes.length) {
    if (/^(EVAL|EVALSHA|EVAL_RO|EVALSHA_RO|FCALL|FCALL_RO)$/.test(name)) return withScriptLimit(sb, () => plain(sb, args));
    return plain(sb, args);
  }
  if (verdict.blocking || s.watching) {
    // Cannot be wrapped in MULTI (it would not block, or our EXEC would drop the learner's WATCH): check first, send,
    // claim what it created.
    const st = await sb.ownership.status(writes.map((k) => k.key));
    const foreign = [...st].find(([, v]) => v.exists && v.owner === null);
    if (foreign) return refusedForeign(foreign[0]);
    const absent = [...st].filter(([, v]) => !v.exists).map(([k]) => k);
    const res = await plain(sb, args);
    if (res.status === 'ran' && !res.record.error)
      await sb.ownership.afterWrite(
        scope,
        writes.map((k) => k.key),
        absent,
      );
    return res;
  }
  return atomically(sb, [{ args, keys }], scope, false);
}

/**
 * A lab node is the learner's own, made for this lesson and removed after it: the command goes as typed to the node
 * the learner is on, MULTI and WATCH included (Redis itself queues and watches). A node that is down or paused
 * answers with an error line, not the end of the lesson.
 */
async function executeOnLab(sb: Sandbox, args: string[]): Promise<LearnerResult> {
  const lab = sb.lab!;
  const s = state(sb);
  const name = args[0]!.toUpperCase();
  const node = s.held !== null || s.watching ? (s.labNode ?? lab.target) : lab.target;
  const conn = await lab.learnerConnection(node);
  const res = await plain(sb, args, conn, true);
  if (res.status !== 'ran') return res;
  const failed = Boolean(res.record.error);
  if (name === 'MULTI' && !failed) {
    s.held = [];
    s.labNode = node;
  } else if ((name === 'EXEC' || name === 'DISCARD') && s.held !== null) {
    s.held = null;
    s.watching = false;
  } else if (name === 'WATCH' && !failed) {
    s.watching = true;
    s.labNode = node;
  } else if (name === 'UNWATCH') s.watching = false;
  if (s.held === null && !s.watching) s.labNode = undefined;
  return res;
}

function knownAndWellFormed(sb: Sandbox, args: readonly string[]): boolean {
  const spec = sb.table.get(String(args[0]).toLowerCase());
  if (!spec) return false;
  return spec.arity >= 0 ? args.length === spec.arity : args.length >= -spec.arity;
}

function refusedForeign(key: string): LearnerResult {
  return { status: 'refused', reason: `${key} already existed and was not created by redis-learn: it is left alone` };
}

/**
 * Sends the command alone, recorded. `tolerateLoss`: a lost or refused connection becomes the command's error (a lab
 * node the lesson killed) instead of ending the run.
 */
async function plain(sb: Sandbox, args: readonly string[], conn: Redis = sb.learner, tolerateLoss = false): Promise<LearnerResult> {
  let rec: RecordedCommand | undefined;
  const off = sb.recorder.onCommand((c) => {
    rec ??= c;
  });
  let lost: string | undefined;
  try {
    await conn.call(String(args[0]), ...args.slice(1)).catch((err: unknown) => {
      if (!isConnectionLoss(err) && !/timed out|isn't writeable|ECONNREFUSED|max retries per request/i.test(errorMessage(err))) return;
      if (!tolerateLoss) throw err;
      lost = errorMessage(err);
    });
  } finally {
    off();
  }
  if (lost !== undefined) {
    const why = `the node did not answer (${lost.split('\n')[0]}): it is down or paused`;
    if (rec) {
      // The recorder saw ioredis's own wording: the learner reads what it means.
      rec.error = why;
      rec.reply = new Error(why);
    } else {
      rec = synthetic(args, null, [], why);
      sb.recorder.record(rec);
    }
  }
  return { status: 'ran', record: rec ?? synthetic(args, null) };
}

/**
 * WATCH the keys the commands may write, check none exists without being ours, then MULTI … EXEC: a key another
 * client creates after the check aborts the transaction. `asTransaction`: the learner's own MULTI (the reply is
 * EXEC's array); else one command wrapped (the reply is its own).
 */
async function atomically(sb: Sandbox, cmds: Held[], scope: string, asTransaction: boolean): Promise<LearnerResult> {
  const conn = sb.learner;
  const writeKeys = [...new Set(cmds.flatMap((c) => c.keys.filter((k) => k.write).map((k) => k.key)))];
  const allKeys = [...new Set(cmds.flatMap((c) => c.keys.map((k) => k.key)))];
  const scripted = cmds.some((c) => /^(EVAL|EVALSHA|FCALL)/i.test(c.args[0]!));
  const started = process.hrtime.bigint();
  const outcome = await sb.recorder.unrecorded(async () => {
    if (writeKeys.length) await conn.call('WATCH', ...writeKeys);
    const st = await sb.ownership.status(writeKeys);
    const foreign = [...st].find(([, v]) => v.exists && v.owner === null);
    if (foreign) {
      await conn.call('UNWATCH');
      return { foreign: foreign[0] } as const;
    }
    const absent = [...st].filter(([, v]) => !v.exists).map(([k]) => k);
    const m = conn.multi();
    for (const c of cmds) m.call(c.args[0]!, ...c.args.slice(1));
    const run = () => m.exec() as Promise<[Error | null, unknown][] | null>;
    const replies = scripted ? await withScriptLimit(sb, run) : await run();
    return { replies, absent } as const;
  });
  const ms = Math.round(Number(process.hrtime.bigint() - started) / 1000) / 1000;
  if ('foreign' in outcome) return refusedForeign(outcome.foreign!);
  const { replies, absent } = outcome;
  if (replies) await sb.ownership.afterWrite(scope, writeKeys, absent);
  const write = writeKeys.length > 0;
  if (asTransaction) {
    const reply = replies === null ? null : replies.map(([err, r]) => err ?? r);
    const rec: RecordedCommand = { command: 'EXEC', args: ['EXEC'], reply, ms, keys: allKeys, write };
    sb.recorder.record(rec);
    return { status: 'ran', record: rec };
  }
  const c = cmds[0]!;
  if (replies === null) {
    return {
      status: 'refused',
      reason: `not run: another client changed ${writeKeys.join(', ')} at the same moment (redis-learn watched ${writeKeys.length === 1 ? 'it' : 'them'} to stay safe); try again`,
    };
  }
  const [err, reply] = replies[0] ?? [null, null];
  const rec: RecordedCommand = {
    command: commandLine(c.args),
    args: [...c.args],
    reply: err ?? reply,
    error: err ? err.message : undefined,
    ms,
    keys: c.keys.map((k) => k.key),
    write,
  };
  sb.recorder.record(rec);
  return { status: 'ran', record: rec };
}

/**
 * On the private server, a script still running after SCRIPT_LIMIT_MS is stopped with SCRIPT KILL / FUNCTION KILL.
 * One that already wrote cannot be killed: Redis then only stops with SHUTDOWN NOSAVE, which ends the private server.
 */
async function withScriptLimit<T>(sb: Sandbox, fn: () => Promise<T>): Promise<T> {
  if (!sb.target.private) return fn();
  let done = false;
  // Connected before the script starts: once it runs, a new connection's handshake would only get BUSY.
  const k: Redis = await sb.conn.newClient();
  const timer = setTimeout(() => {
    void (async () => {
      if (done) return;
      const kill = async (cmd: string) =>
        k.call(cmd, 'KILL').then(
          () => true,
          (e: unknown) => errorMessage(e),
        );
      const a = await kill('SCRIPT');
      const b = a === true ? true : await kill('FUNCTION');
      if (a === true || b === true) {
        process.stderr.write(`  the script ran for over ${SCRIPT_LIMIT_MS / 1000} s: redis-learn stopped it (SCRIPT KILL)\n`);
      } else if (/UNKILLABLE/i.test(`${a} ${b}`)) {
        process.stderr.write(
          '  the script wrote and then never finished: Redis can only stop it with SHUTDOWN NOSAVE, which ends the private server\n',
        );
        await k.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
      }
    })().catch(() => undefined);
  }, SCRIPT_LIMIT_MS);
  try {
    return await fn();
  } finally {
    done = true;
    clearTimeout(timer);
    k.disconnect();
  }
}
