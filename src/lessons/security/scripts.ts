// What EVAL can reach: a script may touch keys it never declared (the name built at run time), so declaring keys is
// no fence; ACL is: since Redis 6, every redis.call runs with the caller's permissions. Exercise: eval-reach.
import type { StepSpec } from '../../engine/prose.js';
import { userCan } from './acl-basics.js';
import { connectAs, tryCommand } from './lib/as-user.js';
import { baseline, nodePort } from './lib/baseline.js';
import { DECLARED_SCRIPT, K, SECRET_VALUE, SNEAKY_SCRIPT, USERS } from './shared.js';

export const scriptsSteps: StepSpec[] = [
  {
    id: 'eval-reach',
    kind: 'code',
    async run(ctx) {
      await ctx.unrecorded.call('ACL', 'LOG', 'RESET');
      const q1 = ctx.key(K.q1);
      const open = await ctx.redis.call('EVAL', SNEAKY_SCRIPT, '1', q1);
      ctx.say(
        `The script declared ${q1} and returned ${String(open)}${open === SECRET_VALUE ? ', the database password' : ''}: ` +
          'Redis does not hold a script to the keys it declares (a cluster only refuses keys of another slot).',
      );
      await ctx.redis.call('ACL', 'SETUSER', 'reports-only', 'on', '>ro-pw', `~${ctx.key(K.reports)}`, '+@read', '+eval');
      const s = await connectAs(nodePort(ctx), 'reports-only', 'ro-pw');
      const rows: string[][] = [];
      try {
        for (const [label, args] of [
          ['declares report:q1, reads it', ['EVAL', DECLARED_SCRIPT, '1', q1]],
          ['declares report:q1, builds secret:db', ['EVAL', SNEAKY_SCRIPT, '1', q1]],
          ['declares secret:db', ['EVAL', DECLARED_SCRIPT, '1', ctx.key(K.secret)]],
          ['plain HGET secret:db', ['HGET', ctx.key(K.secret), 'password']],
        ] as const) {
          const t = await tryCommand(s.client, args);
          rows.push([label, t.reply, t.allowed ? 'allowed' : 'refused']);
        }
      } finally {
        s.close();
      }
      ctx.table(['as reports-only', 'reply', ''], rows);
      await ctx.redis.call('ACL', 'LOG', '2');
      const log = (await ctx.unrecorded.call('ACL', 'LOG')) as unknown[][];
      const contexts = log.map((e) => `${String(e[e.indexOf('context') + 1])} (${String(e[e.indexOf('object') + 1])})`);
      const reached = rows.filter((r) => r[1]!.includes(SECRET_VALUE)).length;
      ctx.say(
        `reports-only reached the secret ${reached} times out of ${rows.length - 1} tries; ACL LOG says where each refusal happened: ${contexts.join(', ')}. ` +
          '"lua" is a redis.call inside the script, "toplevel" the EVAL itself, refused before the script ran because a declared key was out of bounds.',
      );
      await ctx.unrecorded.call('ACL', 'DELUSER', 'reports-only');
    },
  },
  {
    id: 'fence-scripts',
    kind: 'exercise',
    points: 2,
    async setup(ctx) {
      await baseline(ctx);
      await ctx.unrecorded.call(
        'ACL',
        'SETUSER',
        USERS.analytics.name,
        'on',
        `>${USERS.analytics.pass}`,
        '~*',
        '+@read',
        '+eval',
        '+evalsha',
      );
    },
    check: userCan(
      USERS.analytics,
      `${USERS.analytics.name}'s scripts still read {ns}${K.reports}, and neither its scripts nor its commands reach {ns}${K.secrets}`,
      (ctx) => [
        { args: ['EVAL', DECLARED_SCRIPT, '1', ctx.key(K.q1)], allowed: true },
        { args: ['GET', ctx.key(K.q2)], allowed: true },
        { args: ['EVAL', SNEAKY_SCRIPT, '1', ctx.key(K.q1)], allowed: false },
        { args: ['EVAL', DECLARED_SCRIPT, '1', ctx.key(K.secret)], allowed: false },
        { args: ['HGETALL', ctx.key(K.secret)], allowed: false },
      ],
    ),
    hints: [
      'The scripts run with analytics’s own permissions: narrow its keys. A pattern added next to ~* changes nothing (Redis says so): start the key list over.',
      `ACL SETUSER name resetkeys ~pattern   (e.g. ACL SETUSER ${USERS.analytics.name} resetkeys ~{ns}${K.reports})`,
    ],
    solution: [`ACL SETUSER ${USERS.analytics.name} resetkeys ~{ns}${K.reports}`],
    wrong: [
      // Refused by Redis: a pattern after ~* has no effect; the user keeps every key.
      [`ACL SETUSER ${USERS.analytics.name} ~{ns}${K.reports}`],
      // No more scripts at all: the reports job is broken.
      [`ACL SETUSER ${USERS.analytics.name} -eval -evalsha`],
      // Taking commands away instead of keys: GET (and HSCAN, HRANDFIELD…) still reach the secret.
      [`ACL SETUSER ${USERS.analytics.name} -hget -hgetall -hmget`],
    ],
  },
];
