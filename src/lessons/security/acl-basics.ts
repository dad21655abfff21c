// ACL users: the default user and protected mode (shown live from 127.0.0.2), a user limited to GET on report keys
// (created, then tried by logging in as it), ACL LOG, command categories and why key patterns do not stop keyless
// commands such as FLUSHALL. Exercises: report-reader, no-dangerous.
import { custom } from '../../engine/checks.js';
import { count, expanded } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { Check, LessonContext } from '../../engine/types.js';
import { checkUser, connectAs, tryCommand, type Expectation } from './lib/as-user.js';
import { baseline, guarded, nodePort } from './lib/baseline.js';
import { loopbackAliasWorks, rawSession } from './lib/raw-client.js';
import { APP_HOST, K, USERS } from './shared.js';

/** ACL GETUSER as a field map (null when the user does not exist). */
export async function getUser(ctx: LessonContext, name: string): Promise<Record<string, unknown> | null> {
  const r = (await ctx.unrecorded.call('ACL', 'GETUSER', name)) as unknown[] | null;
  if (!r) return null;
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < r.length; i += 2) out[String(r[i])] = r[i + 1];
  return out;
}

/** A check: `user` exists, then logs in (and not with a wrong password) and meets every expectation. */
export function userCan(
  user: { name: string; pass: string },
  expected: string,
  expectations: (ctx: LessonContext) => Expectation[],
  after?: (ctx: LessonContext) => Promise<void>,
): Check {
  return guarded(
    expanded(
      custom(expected, async (ctx) => {
        const u = await getUser(ctx, user.name);
        if (!u) return { pass: false, actual: `there is no user ${user.name} (ACL USERS lists it once ACL SETUSER made it)` };
        const flags = (u.flags as string[]) ?? [];
        const hint = flags.includes('off') ? 'the user is off: add `on`' : `did you give it >${user.pass}?`;
        try {
          const r = await checkUser(ctx.unrecorded, nodePort(ctx), user.name, user.pass, expectations(ctx), { loginHint: hint });
          return { pass: r.pass, actual: r.actual };
        } finally {
          await after?.(ctx);
        }
      }),
    ),
  );
}

async function ensureAlice(ctx: LessonContext): Promise<void> {
  if (await getUser(ctx, USERS.alice.name)) return;
  await ctx.unrecorded.call('ACL', 'SETUSER', USERS.alice.name, 'on', `>${USERS.alice.pass}`, `~${ctx.key(K.reports)}`, '+get');
}

export const aclBasicsSteps: StepSpec[] = [
  {
    id: 'default-user',
    kind: 'code',
    async run(ctx) {
      await baseline(ctx);
      await ctx.redis.call('ACL', 'WHOAMI');
      await ctx.redis.call('ACL', 'LIST');
      await ctx.redis.call('ACL', 'GETUSER', 'default');
      await ctx.redis.call('CONFIG', 'GET', 'protected-mode');
      await ctx.redis.call('CONFIG', 'GET', 'bind');
      ctx.say(
        'One user, `default`: on, nopass (any password, or none, logs in), every key (~*), every channel (&*), every command (+@all). ' +
          'Every connection that does not AUTH runs as it, this lesson’s included.',
      );
    },
  },
  {
    id: 'protected-mode',
    kind: 'code',
    async run(ctx) {
      const port = nodePort(ctx);
      if (!(await loopbackAliasWorks(APP_HOST))) {
        ctx.say(
          `This machine cannot use ${APP_HOST} as a source address (only Linux routes all of 127/8 to loopback): nothing to show live here.`,
        );
        return;
      }
      await ctx.redis.call('CONFIG', 'SET', 'bind', `127.0.0.1 ${APP_HOST}`);
      const ask = (from: string) =>
        rawSession(port, [['PING'], ['HGET', ctx.key(K.secret), 'password']], { host: from, localAddress: from });
      const rows: string[][] = [];
      const note = (from: string, mode: string, r: { text: string }[]) =>
        rows.push([from, mode, r.map((x) => (x.text.length > 48 ? `${x.text.slice(0, 45)}…` : x.text)).join(' · ')]);
      note('127.0.0.1', 'protected-mode yes', await ask('127.0.0.1'));
      const tries = 10;
      let denied = 0;
      let last: { text: string }[] = [];
      for (let i = 0; i < tries; i++) {
        last = await ask(APP_HOST);
        if (last[0]!.text.startsWith('DENIED')) denied++;
      }
      note(APP_HOST, 'protected-mode yes', last);
      await ctx.redis.call('CONFIG', 'SET', 'protected-mode', 'no');
      const open = await ask(APP_HOST);
      note(APP_HOST, 'protected-mode no', open);
      await ctx.redis.call('CONFIG', 'SET', 'protected-mode', 'yes', 'bind', '127.0.0.1');
      note(APP_HOST, 'bind 127.0.0.1 only', await ask(APP_HOST));
      ctx.table(['client from', 'server', 'PING · HGET the secret'], rows);
      ctx.say(
        denied > 0
          ? `${denied} of ${tries} anonymous connections from ${APP_HOST} were refused with DENIED while protected mode was on; ` +
              `with it off, the same client ${open[1]?.ok ? 'read the database password' : 'got in'}. Bound to 127.0.0.1 only, it cannot even connect.`
          : // Redis 7.0 counts only 127.0.0.1 and ::1 as local; newer servers (seen: Redis 8.0, Valkey 8.1) the whole 127/8.
            `0 of ${tries} anonymous connections from ${APP_HOST} were refused: this server counts every 127.x.x.x address as ` +
              `local (Redis 7.0 counted only 127.0.0.1 and ::1), so protected mode does not apply to ${APP_HOST}. From a real ` +
              `network address it answers DENIED while the default user has no password. Bound to 127.0.0.1 only, ${APP_HOST} cannot even connect.`,
      );
    },
  },
  {
    id: 'acl-setuser',
    kind: 'run',
    commands: [
      `ACL SETUSER ${USERS.alice.name} on >${USERS.alice.pass} ~{ns}${K.reports} +get`,
      `ACL GETUSER ${USERS.alice.name}`,
      `ACL DRYRUN ${USERS.alice.name} GET {ns}${K.q1}`,
      `ACL DRYRUN ${USERS.alice.name} GET {ns}${K.secret}`,
      `ACL DRYRUN ${USERS.alice.name} SET {ns}${K.q1} hacked`,
    ],
  },
  {
    id: 'as-alice',
    kind: 'code',
    async run(ctx) {
      await ensureAlice(ctx);
      await ctx.unrecorded.call('ACL', 'LOG', 'RESET');
      const port = nodePort(ctx);
      const wrong = await connectAs(port, USERS.alice.name, 'guess');
      wrong.close();
      const s = await connectAs(port, USERS.alice.name, USERS.alice.pass);
      const rows: string[][] = [[`AUTH alice guess`, wrong.loginError ?? 'OK', wrong.loginError ? 'refused' : 'allowed']];
      try {
        for (const args of [
          ['ACL', 'WHOAMI'],
          ['GET', ctx.key(K.q1)],
          ['GET', ctx.key(K.secret)],
          ['SET', ctx.key(K.q1), 'hacked'],
          ['KEYS', '*'],
          ['CONFIG', 'GET', 'requirepass'],
        ]) {
          const t = await tryCommand(s.client, args);
          rows.push([t.command, t.reply, t.allowed ? 'allowed' : 'refused']);
        }
      } finally {
        s.close();
      }
      ctx.table(['as alice', 'reply', ''], rows);
      await ctx.redis.call('ACL', 'LOG', '2');
      const log = (await ctx.unrecorded.call('ACL', 'LOG')) as unknown[][];
      const reasons = log.map((e) => `${String(e[e.indexOf('reason') + 1])} ${String(e[e.indexOf('object') + 1])}`);
      const refused = rows.filter((r) => r[2] === 'refused').length;
      const allowed = rows.filter((r) => r[2] === 'allowed').map((r) => r[0]);
      ctx.say(
        `alice: ${refused} of ${rows.length} refused; allowed: ${allowed.join(', ') || 'nothing'}. ` +
          `ACL LOG kept ${count(log.length, 'entry', 'entries')}: ${reasons.join(', ')}.`,
      );
    },
  },
  {
    id: 'report-reader',
    kind: 'exercise',
    points: 2,
    setup: baseline,
    check: userCan(
      USERS.reader,
      `${USERS.reader.name} logs in with ${USERS.reader.pass}, can GET {ns}${K.reports} and nothing else`,
      (ctx) => [
        { args: ['GET', ctx.key(K.q1)], allowed: true },
        { args: ['GET', ctx.key(K.q2)], allowed: true },
        { args: ['GET', ctx.key(K.secret)], allowed: false },
        { args: ['HGET', ctx.key(K.secret), 'password'], allowed: false },
        { args: ['KEYS', '*'], allowed: false },
        { args: ['SET', ctx.key(K.q1), 'hacked'], allowed: false, dry: true },
        { args: ['FLUSHALL'], allowed: false, dry: true },
      ],
    ),
    hints: [
      'One ACL SETUSER: switch the user on, give it its password, one key pattern and one command.',
      `ACL SETUSER name on >password ~pattern +command   (e.g. ACL SETUSER ${USERS.reader.name} on >${USERS.reader.pass} ~{ns}${K.reports} +get)`,
    ],
    solution: [`ACL SETUSER ${USERS.reader.name} on >${USERS.reader.pass} ~{ns}${K.reports} +get`],
    wrong: [
      // Every command: the key pattern does not stop FLUSHALL, which names no key.
      [`ACL SETUSER ${USERS.reader.name} on >${USERS.reader.pass} ~{ns}${K.reports} +@all`],
      // Forgot `on`: a new user is off, nobody can log in as it.
      [`ACL SETUSER ${USERS.reader.name} >${USERS.reader.pass} ~{ns}${K.reports} +get`],
      // Every key: GET reaches the secret too.
      [`ACL SETUSER ${USERS.reader.name} on >${USERS.reader.pass} ~* +get`],
      // nopass: anyone who knows the name logs in.
      [`ACL SETUSER ${USERS.reader.name} on nopass ~{ns}${K.reports} +get`],
    ],
  },
  {
    id: 'categories',
    kind: 'code',
    async run(ctx) {
      await ctx.redis.call('ACL', 'CAT');
      const dangerous = (await ctx.unrecorded.call('ACL', 'CAT', 'dangerous')) as string[];
      const keyless = ['flushall', 'flushdb', 'config', 'keys', 'shutdown', 'debug', 'acl', 'replicaof'].filter((c) =>
        dangerous.some((d) => d === c || d.startsWith(`${c}|`)),
      );
      ctx.say(`@dangerous holds ${dangerous.length} commands and subcommands on this server, among them ${keyless.join(', ')}.`);
      await ctx.redis.call('ACL', 'SETUSER', 'wide', 'on', '>wide-pw', `~${ctx.key(K.reports)}`, '+@all');
      const probes = [['HGET', ctx.key(K.secret), 'password'], ['FLUSHALL'], ['CONFIG', 'SET', 'appendonly', 'yes']];
      const before: string[] = [];
      for (const p of probes) before.push(String(await ctx.redis.call('ACL', 'DRYRUN', 'wide', ...p)));
      await ctx.redis.call('ACL', 'SETUSER', 'wide', '-@dangerous');
      const after: string[] = [];
      for (const p of probes) after.push(String(await ctx.redis.call('ACL', 'DRYRUN', 'wide', ...p)));
      await ctx.unrecorded.call('ACL', 'DELUSER', 'wide');
      const ok = (r: string) => (r === 'OK' ? 'allowed' : 'refused');
      ctx.table(
        ['wide (~report:* keys)', '+@all', '+@all -@dangerous'],
        probes.map((p, i) => [p[0] === 'HGET' ? 'HGET secret:db password' : p.join(' '), ok(before[i]!), ok(after[i]!)]),
      );
      const through = before.filter((r) => r === 'OK').length;
      ctx.say(
        `With +@all and only the report keys, ${through} of ${probes.length} went through: the key pattern stopped the HGET, ` +
          `not FLUSHALL or CONFIG SET, which name no key. -@dangerous stopped ${after.filter((r) => r !== 'OK').length} of ${probes.length}.`,
      );
    },
  },
  {
    id: 'no-dangerous',
    kind: 'exercise',
    points: 2,
    async setup(ctx) {
      await baseline(ctx);
      await ctx.unrecorded.call('ACL', 'SETUSER', USERS.app.name, 'on', `>${USERS.app.pass}`, `~${ctx.key(K.app)}`, '+@all');
    },
    check: userCan(
      USERS.app,
      `${USERS.app.name} keeps its data commands on {ns}${K.app}, and loses FLUSHALL, KEYS, CONFIG and every other @dangerous command`,
      (ctx) => [
        { args: ['GET', ctx.key(K.appCart)], allowed: true },
        { args: ['SET', ctx.key(K.appCart), '3 items'], allowed: true },
        { args: ['EXPIRE', ctx.key(K.appCart), '86400'], allowed: true },
        { args: ['KEYS', '*'], allowed: false },
        { args: ['CONFIG', 'GET', 'maxmemory'], allowed: false },
        { args: ['FLUSHALL'], allowed: false, dry: true },
        { args: ['DEBUG', 'SLEEP', '0'], allowed: false, dry: true },
        { args: ['SHUTDOWN'], allowed: false, dry: true },
      ],
      async (ctx) => void (await ctx.unrecorded.persist(ctx.key(K.appCart))),
    ),
    hints: [
      'Take away a whole category in one rule, rather than commands one by one: the next dangerous command you forget stays open.',
      `ACL SETUSER name -@category   (ACL CAT lists them; e.g. ACL SETUSER ${USERS.app.name} -@dangerous)`,
    ],
    solution: [`ACL SETUSER ${USERS.app.name} -@dangerous`],
    wrong: [
      // One command at a time: KEYS, CONFIG, DEBUG… are still there.
      [`ACL SETUSER ${USERS.app.name} -flushall -flushdb`],
      // Keys do not stop keyless commands, and the app loses its own keys.
      [`ACL SETUSER ${USERS.app.name} resetkeys`],
      // @write contains FLUSHALL and FLUSHDB; @read contains KEYS.
      [`ACL SETUSER ${USERS.app.name} -@all +@read +@write`],
    ],
  },
];
