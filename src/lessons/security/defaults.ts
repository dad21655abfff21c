// Passwords: how fast one connection can guess them (measured, then kept by ACL LOG as one entry with a count), and
// the default user's password, which is what protected mode waits for. Exercise: default-password.
import { performance } from 'node:perf_hooks';
import { custom } from '../../engine/checks.js';
import { count, expanded } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { getUser } from './acl-basics.js';
import { connectAs, errorLine } from './lib/as-user.js';
import { baseline, configGet, guarded, nodePort } from './lib/baseline.js';
import { loopbackAliasWorks, rawSession } from './lib/raw-client.js';
import { APP_HOST, DEFAULT_PASS, GUESSES, K } from './shared.js';

/** Seconds as a readable span. */
function span(s: number): string {
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  if (s < 3.2e8) return `${Math.round(s / 86_400)} days`;
  return `${(s / 3.15e7).toExponential(1)} years`;
}

/** The default-password check: protected mode still on, and a password (not protected mode) is what keeps strangers out. */
async function defaultLocked(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const port = nodePort(ctx);
  const pm = await configGet(ctx.unrecorded, 'protected-mode');
  if (pm !== 'yes')
    return { pass: false, actual: `protected-mode is ${pm}: a default user without a password would be open to the network again` };
  const u = await getUser(ctx, 'default');
  const flags = (u?.flags as string[]) ?? [];
  if (flags.includes('off')) return { pass: false, actual: 'the default user is off: the application cannot log in as it either' };
  if (flags.includes('nopass')) return { pass: false, actual: 'the default user still has nopass: any password, or none, logs in' };
  if (String(u?.commands) !== '+@all' || String(u?.keys) !== '~*') {
    return {
      pass: false,
      actual: `the default user's permissions changed (${String(u?.commands)} ${String(u?.keys)}): the application needs +@all ~* as before`,
    };
  }
  const alias = await loopbackAliasWorks(APP_HOST);
  const from = alias ? APP_HOST : '127.0.0.1';
  const anon = await rawSession(port, [['PING']], { host: from, localAddress: from });
  if (anon[0]!.ok) return { pass: false, actual: `a client from ${from} with no password got ${anon[0]!.text}` };
  const app = await rawSession(
    port,
    [
      ['AUTH', DEFAULT_PASS],
      ['GET', ctx.key(K.q1)],
    ],
    { host: from, localAddress: from },
  );
  if (!app[0]!.ok) return { pass: false, actual: `the application (from ${from}, AUTH ${DEFAULT_PASS}) was refused: ${app[0]!.text}` };
  const local = await rawSession(port, [['PING']]);
  if (local[0]!.ok) return { pass: false, actual: `a client on 127.0.0.1 with no password got ${local[0]!.text}` };
  return {
    pass: true,
    actual:
      `protected-mode yes; from ${from}: no password → ${anon[0]!.text.split(' ')[0]}, AUTH ${DEFAULT_PASS} → OK and GET works; ` +
      `127.0.0.1 without a password → ${local[0]!.text.split(' ')[0]}`,
  };
}

export const defaultsSteps: StepSpec[] = [
  {
    id: 'brute-force',
    kind: 'code',
    async run(ctx) {
      await ctx.unrecorded.call('ACL', 'LOG', 'RESET');
      const pass = String(await ctx.redis.call('ACL', 'GENPASS'));
      await ctx.redis.call('ACL', 'SETUSER', 'victim', 'on', `>${pass}`, `~${ctx.key(K.reports)}`, '+get');
      const s = await connectAs(nodePort(ctx), null, null);
      let refused = 0;
      let other: Error | null | undefined;
      const t0 = performance.now();
      try {
        const p = s.client.pipeline();
        for (let i = 0; i < GUESSES; i++) p.call('AUTH', 'victim', `guess-${i}`);
        const replies = (await p.exec()) ?? [];
        refused = replies.filter(([err]) => err && /WRONGPASS/.test(errorLine(err))).length;
        // Whatever else came back (a server that slows or drops a connection that keeps failing AUTH) is told, not hidden.
        other = replies.find(([err]) => err && !/WRONGPASS/.test(errorLine(err)))?.[0];
      } finally {
        s.close();
      }
      const ms = performance.now() - t0;
      await ctx.redis.call('ACL', 'LOG', '1');
      const log = (await ctx.unrecorded.call('ACL', 'LOG', '1')) as unknown[][];
      const entry = log[0] ?? [];
      const field = (name: string) => String(entry[entry.indexOf(name) + 1]);
      // The server's own count of failed AUTHs: what it checked, whether or not every reply came back in time.
      const tried = Number(field('count')) || refused;
      const rate = tried / (ms / 1000);
      if (refused < GUESSES) {
        ctx.say(
          `Only ${refused} of the ${GUESSES} guesses were answered WRONGPASS before the client gave up; the others got ` +
            `${other ? errorLine(other) : 'no reply'}. The rate below is the server's own count (ACL LOG) over the time taken.`,
        );
      }
      ctx.say(
        `${count(GUESSES, 'wrong password')} on one connection: ${refused} refused (WRONGPASS) in ${Math.round(ms)} ms, ` +
          `about ${Math.round(rate).toLocaleString('en-US')} guesses a second. ACL LOG folded them into one entry: ` +
          `reason ${field('reason')}, user ${field('username')}, count ${field('count')}.`,
      );
      ctx.table(
        ['password', 'possibilities', 'all tried at this rate, one connection'],
        [
          ['6 lowercase letters', '3.1e8', span(26 ** 6 / rate)],
          ['10 letters and digits', '8.4e17', span(62 ** 10 / rate)],
          [`ACL GENPASS (${pass.length} hex chars)`, '1.2e77', span(2 ** 256 / rate)],
        ],
      );
      await ctx.unrecorded.call('ACL', 'DELUSER', 'victim');
    },
  },
  {
    id: 'default-password',
    kind: 'exercise',
    points: 3,
    async setup(ctx) {
      await baseline(ctx);
      if (await loopbackAliasWorks(APP_HOST)) await ctx.unrecorded.call('CONFIG', 'SET', 'bind', `127.0.0.1 ${APP_HOST}`);
    },
    check: guarded(
      expanded(
        custom(
          `protected-mode yes, the default user needs ${DEFAULT_PASS} (permissions unchanged), and the app at ${APP_HOST} gets in with it`,
          defaultLocked,
        ),
      ),
    ),
    hints: [
      'Protected mode lets a non-loopback client in once the default user has a password. Give it one; leave protected mode alone.',
      `ACL SETUSER default >password   (>… adds a password and ends nopass; CONFIG SET requirepass does the same)`,
    ],
    solution: [`ACL SETUSER default >${DEFAULT_PASS}`],
    wrong: [
      // Opens the node to anyone who can reach it, with no password at all.
      ['CONFIG SET protected-mode no'],
      // A new user does not change the default user: protected mode still refuses the app before it can AUTH.
      [`ACL SETUSER app on >${DEFAULT_PASS} ~* &* +@all`],
      // Nobody can log in as a disabled user, the application included.
      ['ACL SETUSER default off'],
    ],
  },
];
