// The lesson's starting state, restored before every exercise (and by code steps that need a clean server): no users
// but `default`, the default user as Redis ships it (on, nopass, every key, channel and command), protected mode on,
// bound to 127.0.0.1 only, TLS off, an empty ACL LOG, and the lesson's keys. When a learner's change locked the
// lesson's own connections out (a default user without +@admin, say), the node is restarted from its original config.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { Lab } from '../../../lab/lab.js';
import type { Check, LessonContext } from '../../../engine/types.js';
import { errorMessage } from '../../../errors.js';
import { K, SECRET_VALUE } from '../shared.js';

/** How the default user reads in ACL LIST on a fresh Redis 7.0 (7.2+ and Valkey also print sanitize-payload). */
export const DEFAULT_LINE = 'user default on nopass ~* &* +@all';

/** An ACL LIST line without the flags some versions print for every user by default. */
export function aclLineCore(line: string | undefined): string | undefined {
  return line?.replace(/ sanitize-payload\b/, '');
}

const originalConf = new WeakMap<Lab, string>();

export function labOf(ctx: LessonContext): Lab {
  if (!ctx.lab) throw new Error('the security lesson runs on its own lab');
  return ctx.lab.lab;
}

export function nodePort(ctx: LessonContext): number {
  return labOf(ctx).node('node').port;
}

/** CONFIG GET one value. */
export async function configGet(admin: Redis, name: string): Promise<string> {
  const r = (await admin.call('CONFIG', 'GET', name)) as string[];
  return String(r[1] ?? '');
}

/** The lesson's keys, fresh. */
async function writeFixture(ctx: LessonContext): Promise<void> {
  const r = ctx.unrecorded;
  const stale: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = (await r.scan(cursor, 'MATCH', ctx.key('security:*'), 'COUNT', 500)) as [string, string[]];
    cursor = next;
    stale.push(...keys);
  } while (cursor !== '0');
  const m = r.multi();
  if (stale.length) m.unlink(...stale);
  m.set(ctx.key(K.q1), 'revenue 4.2M');
  m.set(ctx.key(K.q2), 'revenue 4.9M');
  m.hset(ctx.key(K.secret), 'user', 'billing_rw', 'password', SECRET_VALUE);
  m.set(ctx.key(K.cacheHome), '<html>home</html>');
  m.set(ctx.key(K.cacheAbout), '<html>about</html>');
  m.set(ctx.key(K.invoice), 'total 129.00');
  m.set(ctx.key('security:app:cart:42'), '3 items');
  await m.exec();
}

/** Starts the node again from the config file the lab wrote, and waits until the lesson's connection answers. */
async function restartClean(ctx: LessonContext, why: string): Promise<void> {
  const lab = labOf(ctx);
  const node = lab.node('node');
  const conf = originalConf.get(lab);
  if (conf !== undefined) writeFileSync(node.conf, conf);
  ctx.say(`(the lesson's own connections were locked out: ${why}. Restarting node from its config file.)`);
  await lab.restart('node');
  for (let i = 0; i < 50; i++) {
    if ((await ctx.unrecorded.ping().catch(() => null)) === 'PONG') return;
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** Puts users, the default user, protected mode, bind, TLS and the ACL LOG back as the lesson starts them. */
async function restoreServer(ctx: LessonContext): Promise<void> {
  const admin = ctx.unrecorded;
  const port = nodePort(ctx);
  const users = ((await admin.call('ACL', 'USERS')) as string[]).filter((u) => u !== 'default');
  if (users.length) await admin.call('ACL', 'DELUSER', ...users);
  await admin.call('ACL', 'SETUSER', 'default', 'on', 'nopass', 'clearselectors', 'resetkeys', '~*', 'resetchannels', '&*', '+@all');
  const line = ((await admin.call('ACL', 'LIST')) as string[]).find((l) => l.startsWith('user default '));
  if (aclLineCore(line) !== DEFAULT_LINE) throw new Error(`the default user reads "${line ?? '(missing)'}"`);
  const settings: string[] = [];
  if ((await configGet(admin, 'protected-mode')) !== 'yes') settings.push('protected-mode', 'yes');
  if ((await configGet(admin, 'bind')) !== '127.0.0.1') settings.push('bind', '127.0.0.1');
  if ((await configGet(admin, 'tls-port')) !== '0') settings.push('tls-port', '0');
  if ((await configGet(admin, 'port')) !== String(port)) settings.push('port', String(port));
  if (settings.length) await admin.call('CONFIG', 'SET', ...settings);
  await admin.call('ACL', 'LOG', 'RESET');
}

/**
 * Restores the lesson's starting state (see the file's comment), then the lesson's keys. The learner's connection
 * is back on the default user too: deleting the user it had logged in as (AUTH) closes it, and it reconnects as default.
 */
export async function baseline(ctx: LessonContext): Promise<void> {
  const lab = labOf(ctx);
  if (!originalConf.has(lab)) originalConf.set(lab, readFileSync(lab.node('node').conf, 'utf8'));
  try {
    await restoreServer(ctx);
  } catch (err) {
    await restartClean(ctx, errorMessage(err).split('\n')[0]!);
    await restoreServer(ctx);
  }
  await writeFixture(ctx);
  // The learner's connection: if it still runs as another user (AUTH as a user that was not deleted), log it back in.
  const who = await ctx.sb.recorder.unrecorded(() => ctx.redis.call('ACL', 'WHOAMI').catch(() => '?'));
  if (who !== 'default') await ctx.sb.recorder.unrecorded(() => ctx.redis.call('AUTH', 'default', 'any').catch(() => undefined));
}

/**
 * A check that cannot crash the lesson: when the learner took the lesson's own rights away (a default user without
 * ACL or CONFIG), the check fails with that reason; the exercise's setup (`:reset`) puts the default user back.
 */
export function guarded(check: Check): Check {
  return async (ctx) => {
    try {
      return await check(ctx);
    } catch (err) {
      return {
        pass: false,
        expected: 'the check to read the server',
        actual: `the lesson's own connection (user default) was refused: ${errorMessage(err).split('\n')[0]} (:reset restores the default user)`,
      };
    }
  };
}
