// Finer key rules (Redis 7.0): read-only and write-only key patterns (%R~ / %W~), shown with COPY, and selectors that
// give a user a second, separate set of permissions. Exercises: cache-worker, audit-selector.
import type { StepSpec } from '../../engine/prose.js';
import { userCan } from './acl-basics.js';
import { baseline } from './lib/baseline.js';
import { K, USERS } from './shared.js';

export const keyPermsSteps: StepSpec[] = [
  {
    id: 'read-write-keys',
    kind: 'run',
    commands: [
      'ACL SETUSER stats on >stats-pw %R~{ns}' + K.reports + ' ~{ns}' + K.stats + ' +get +set +copy',
      'ACL DRYRUN stats GET {ns}' + K.q1,
      'ACL DRYRUN stats SET {ns}' + K.q1 + ' 0',
      'ACL DRYRUN stats COPY {ns}' + K.q1 + ' {ns}security:stats:q1',
      'ACL DRYRUN stats COPY {ns}security:stats:q1 {ns}' + K.q1,
      'ACL GETUSER stats',
    ],
  },
  {
    id: 'cache-worker',
    kind: 'exercise',
    points: 3,
    setup: baseline,
    check: userCan(
      USERS.cache,
      `${USERS.cache.name} logs in with ${USERS.cache.pass}, GETs any {ns}${K.cache} key, SETs only {ns}${K.cacheTmp}, nothing else`,
      (ctx) => [
        { args: ['GET', ctx.key(K.cacheHome)], allowed: true },
        { args: ['GET', ctx.key(K.cacheAbout)], allowed: true },
        { args: ['SET', ctx.key('security:cache:tmp:probe'), 'fresh'], allowed: true },
        { args: ['GET', ctx.key('security:cache:tmp:probe')], allowed: true },
        { args: ['SET', ctx.key(K.cacheHome), 'defaced'], allowed: false, dry: true },
        { args: ['DEL', ctx.key(K.cacheAbout)], allowed: false, dry: true },
        { args: ['GET', ctx.key(K.secret)], allowed: false },
        { args: ['GET', ctx.key(K.q1)], allowed: false },
      ],
      async (ctx) => void (await ctx.unrecorded.del(ctx.key('security:cache:tmp:probe'))),
    ),
    hints: [
      'Two key patterns with different rights: read on the whole cache, write on its tmp part only. Then the two commands.',
      `%R~pattern (read) and %W~pattern (write), Redis 7.0+   (e.g. ACL SETUSER ${USERS.cache.name} on >${USERS.cache.pass} %R~{ns}${K.cache} %W~{ns}${K.cacheTmp} +get +set)`,
    ],
    solution: [`ACL SETUSER ${USERS.cache.name} on >${USERS.cache.pass} %R~{ns}${K.cache} %W~{ns}${K.cacheTmp} +get +set`],
    wrong: [
      // ~ is read AND write: the worker can overwrite any cached page.
      [`ACL SETUSER ${USERS.cache.name} on >${USERS.cache.pass} ~{ns}${K.cache} +get +set`],
      // Write-only on tmp and nothing to read the pages with.
      [`ACL SETUSER ${USERS.cache.name} on >${USERS.cache.pass} %W~{ns}${K.cacheTmp} +get +set`],
      // The key rules are right, but SET was forgotten.
      [`ACL SETUSER ${USERS.cache.name} on >${USERS.cache.pass} %R~{ns}${K.cache} %W~{ns}${K.cacheTmp} +get`],
    ],
  },
  {
    id: 'selectors',
    kind: 'run',
    commands: [
      'ACL SETUSER support on >support-pw ~{ns}' + K.reports + ' +@read (~{ns}' + K.ticket + ' +hset)',
      'ACL DRYRUN support GET {ns}' + K.q1,
      'ACL DRYRUN support HSET {ns}security:ticket:7 status open',
      'ACL DRYRUN support HSET {ns}' + K.q2 + ' status open',
      'ACL DRYRUN support HGETALL {ns}security:ticket:7',
      'ACL GETUSER support',
    ],
  },
  {
    id: 'audit-selector',
    kind: 'exercise',
    points: 3,
    async setup(ctx) {
      await baseline(ctx);
      await ctx.unrecorded.call('ACL', 'SETUSER', USERS.billing.name, 'on', `>${USERS.billing.pass}`, `~${ctx.key(K.invoices)}`, '+@read');
    },
    check: userCan(
      USERS.billing,
      `${USERS.billing.name} still reads {ns}${K.invoices}, may XADD to {ns}${K.audit} and nothing more (no XADD elsewhere, no reading the audit)`,
      (ctx) => [
        { args: ['GET', ctx.key(K.invoice)], allowed: true },
        { args: ['XADD', ctx.key(K.audit), '*', 'event', 'invoice-read', 'id', '1001'], allowed: true },
        { args: ['XRANGE', ctx.key(K.audit), '-', '+'], allowed: false },
        { args: ['XADD', ctx.key(K.invoiceLog), '*', 'event', 'forged'], allowed: false, dry: true },
        { args: ['SET', ctx.key(K.invoice), 'total 0.00'], allowed: false, dry: true },
        { args: ['HGET', ctx.key(K.secret), 'password'], allowed: false },
      ],
      async (ctx) => void (await ctx.unrecorded.del(ctx.key(K.audit))),
    ),
    hints: [
      'Adding the audit key and XADD to the user’s root permissions mixes them with its reads: +@read would reach the audit and XADD the invoices. A selector is a separate set, matched on its own.',
      `ACL SETUSER name (~pattern +command)   (Redis 7.0+; e.g. ACL SETUSER ${USERS.billing.name} (~{ns}${K.audit} +xadd))`,
    ],
    solution: [`ACL SETUSER ${USERS.billing.name} (~{ns}${K.audit} +xadd)`],
    wrong: [
      // Root permissions: +@read now reaches the audit stream too.
      [`ACL SETUSER ${USERS.billing.name} ~{ns}${K.audit} +xadd`],
      // Write-only audit key, but +xadd at the root also writes to every invoice key.
      [`ACL SETUSER ${USERS.billing.name} %W~{ns}${K.audit} +xadd`],
      // reset wipes the user: off, no password, no invoices.
      [`ACL SETUSER ${USERS.billing.name} reset (~{ns}${K.audit} +xadd)`],
    ],
  },
];
