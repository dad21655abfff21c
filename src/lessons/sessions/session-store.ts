// Sessions: what a hash and a TTL are, a session created with its TTL in one MULTI, a sliding expiry, and the library's
// session store (create, read, touch, destroy) with a late request that must not bring a logged-out session back.
import { custom, ranCommands, writesThatMadeIt, writesTo } from '../../engine/checks.js';
import { expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { createSession, destroySession, getSession, sessionKey, sleep, touchSession } from '../../patterns/index.js';
import { EXPIRY, fieldsOf, hasOption, listed, SCRIPT_CALL } from './checks.js';
import { SESSION_TTL } from './shared.js';

const CREATE_KEY = 'sessions:sess:ada';
const SLIDE_KEY = 'sessions:sess:lin';
const LIN = { user_id: '77', name: 'Lin', last_page: '/products' };
const TTL_MS = SESSION_TTL * 1000;

type Verdict = { pass: boolean; actual: string };

/** PTTL in whole seconds, as the learner would read TTL. */
async function ttlOf(ctx: LessonContext, key: string): Promise<number> {
  const pttl = await ctx.unrecorded.pttl(key);
  return pttl < 0 ? pttl : Math.round(pttl / 1000);
}

/** session-create: a hash with both fields, a TTL of about 30 minutes, and the key created in the EXEC that set it. */
async function createdWithTtl(ctx: LessonContext): Promise<Verdict> {
  const key = ctx.key(CREATE_KEY);
  const restart = ` (to start over: UNLINK ${key})`;
  const type = await ctx.unrecorded.type(key);
  if (type === 'none') return { pass: false, actual: `${key} does not exist yet` };
  if (type === 'string') {
    return {
      pass: false,
      actual: `${key} is a string: to change one field of a JSON blob you must read it, parse it and write it all back; a hash changes one field with HSET${restart}`,
    };
  }
  if (type !== 'hash') return { pass: false, actual: `${key} is a ${type}${restart}` };
  const data = await ctx.unrecorded.hgetall(key);
  const off = Object.entries({ user_id: '42', name: 'Ada' }).filter(([f, v]) => data[f] !== v);
  if (off.length) return { pass: false, actual: off.map(([f]) => `${f} = ${JSON.stringify(data[f] ?? null)}`).join(', ') };
  const ttl = await ttlOf(ctx, key);
  if (ttl === -1) return { pass: false, actual: `${key} has no TTL: this session would never be logged out${restart}` };
  if (ttl < SESSION_TTL - 100 || ttl > SESSION_TTL)
    return { pass: false, actual: `TTL ${ttl} s: EXPIRE takes seconds, and 30 minutes is ${SESSION_TTL}` };
  const writes = writesThatMadeIt(ctx, key);
  const script = writes.find((c) => SCRIPT_CALL.test(c.name));
  if (script) return { pass: true, actual: `${script.name} wrote the fields and the TTL as one` };
  const first = writes[0];
  if (!first) return { pass: false, actual: `no command of yours wrote ${key}` };
  if (first.transaction === null) {
    return {
      pass: false,
      actual: `${first.command} ran on its own: until the EXPIRE, the session had no TTL, and a crash at that moment leaves it forever; queue HSET and EXPIRE between MULTI and EXEC${restart}`,
    };
  }
  const together = writes.filter((c) => c.transaction === first.transaction);
  if (!together.some((c) => EXPIRY.test(c.name))) {
    const later = writes.find((c) => EXPIRY.test(c.name));
    return {
      pass: false,
      actual: `the transaction that created ${key} set no TTL${later ? `; ${later.command} came after it, as a second step` : ''}${restart}`,
    };
  }
  return { pass: true, actual: `fields and TTL in one EXEC: ${listed(together)}` };
}

/** session-slide: last_page changed, the other fields kept, the deadline back at 30 minutes, in one EXEC, nothing rewritten. */
async function slid(ctx: LessonContext): Promise<Verdict> {
  const key = ctx.key(SLIDE_KEY);
  const type = await ctx.unrecorded.type(key);
  if (type !== 'hash') return { pass: false, actual: type === 'none' ? `${key} is gone: Lin was logged out` : `${key} is a ${type}` };
  const data = await ctx.unrecorded.hgetall(key);
  const lost = (['user_id', 'name'] as const).filter((f) => data[f] !== LIN[f]);
  if (lost.length) {
    return {
      pass: false,
      actual: `the session lost ${lost.join(' and ')}: HSET changes only the fields it names; rewriting the session drops the rest`,
    };
  }
  if (data.last_page !== '/cart') return { pass: false, actual: `last_page = ${JSON.stringify(data.last_page ?? null)}` };
  const ttl = await ttlOf(ctx, key);
  const expiries = ranCommands(ctx.history).filter((c) => EXPIRY.test(c.name) && c.args[1] === key);
  if (ttl === -1) return { pass: false, actual: `${key} has no TTL: Lin would never be logged out` };
  if (ttl < SESSION_TTL - 100 || ttl > SESSION_TTL) {
    const nx = expiries.find((c) => hasOption(c, 'NX') && Number(c.reply) === 0);
    return {
      pass: false,
      actual: nx
        ? `TTL ${ttl} s: ${nx.command} changed nothing, because NX sets a TTL only on a key that has none`
        : expiries.length
          ? `TTL ${ttl} s: EXPIRE takes seconds, and 30 minutes is ${SESSION_TTL}`
          : `TTL ${ttl} s: HSET left the deadline where it was; only EXPIRE moves it`,
    };
  }
  const writes = writesTo(ctx, key);
  const rewrite = writes.find((c) => /^(DEL|UNLINK|SET|RENAME|RESTORE|COPY)$/.test(c.name));
  if (rewrite) {
    return {
      pass: false,
      actual: `${rewrite.command}: you rebuilt the session instead of changing one field; every field had to be sent again, and a field another request wrote meanwhile would be lost (:reset to start over)`,
    };
  }
  const script = writes.find((c) => SCRIPT_CALL.test(c.name));
  if (script) return { pass: true, actual: `${script.name} changed the field and the TTL as one` };
  const field = writes.filter((c) => fieldsOf(c).includes('last_page'));
  const together = field.find((c) => c.transaction !== null && writes.some((w) => w.transaction === c.transaction && EXPIRY.test(w.name)));
  if (together) {
    return {
      pass: true,
      actual: `last_page and the TTL in one EXEC: ${listed(writes.filter((w) => w.transaction === together.transaction))}`,
    };
  }
  return {
    pass: false,
    actual: `${listed(writes)}: the field and the deadline changed in separate steps; queue HSET and EXPIRE between MULTI and EXEC, so each request is one round trip and one unit`,
  };
}

export const sessionSteps: StepSpec[] = [
  {
    id: 'hash-basics',
    kind: 'run',
    commands: [
      'HSET {ns}sessions:sess:demo user_id 42 name Ada last_page /',
      'TYPE {ns}sessions:sess:demo',
      'HGET {ns}sessions:sess:demo name',
      'HSET {ns}sessions:sess:demo last_page /products/PROD-7',
      'HGETALL {ns}sessions:sess:demo',
      'HLEN {ns}sessions:sess:demo',
      'HGET {ns}sessions:sess:demo no_such_field',
    ],
  },
  {
    id: 'ttl-basics',
    kind: 'run',
    commands: [
      'TTL {ns}sessions:sess:demo',
      `EXPIRE {ns}sessions:sess:demo ${SESSION_TTL}`,
      'TTL {ns}sessions:sess:demo',
      'EXPIRE {ns}sessions:sess:demo 60',
      'HSET {ns}sessions:sess:demo last_page /cart',
      'TTL {ns}sessions:sess:demo',
      `EXPIRE {ns}sessions:sess:demo ${SESSION_TTL}`,
      'TTL {ns}sessions:sess:demo',
      'TTL {ns}sessions:sess:no-such-session',
    ],
  },
  {
    id: 'session-create',
    kind: 'exercise',
    points: 2,
    setup: (ctx) => fresh(ctx, [CREATE_KEY], () => Promise.resolve()),
    check: expanded(
      custom(
        `{ns}${CREATE_KEY}: a hash with user_id 42 and name Ada, TTL ${SESSION_TTL} s, created in the same EXEC as its TTL`,
        createdWithTtl,
      ),
    ),
    hints: [
      'Two commands, one unit: MULTI opens a queue, EXEC runs everything queued back to back, with nothing in between.',
      `MULTI · HSET key field value [field value …] · EXPIRE key seconds · EXEC   (EXPIRE {ns}${CREATE_KEY} ${SESSION_TTL})`,
    ],
    solution: ['MULTI', `HSET {ns}${CREATE_KEY} user_id 42 name Ada`, `EXPIRE {ns}${CREATE_KEY} ${SESSION_TTL}`, 'EXEC'],
    wrong: [
      // The session with no deadline: it never logs out.
      [`HSET {ns}${CREATE_KEY} user_id 42 name Ada`],
      // Right state, two steps: a crash between them leaves the session with no TTL.
      [`HSET {ns}${CREATE_KEY} user_id 42 name Ada`, `EXPIRE {ns}${CREATE_KEY} ${SESSION_TTL}`],
      // One atomic command, but a string: every field change rewrites the whole blob.
      [`SET {ns}${CREATE_KEY} '{"user_id":42,"name":"Ada"}' EX ${SESSION_TTL}`],
      // Minutes where EXPIRE wants seconds.
      ['MULTI', `HSET {ns}${CREATE_KEY} user_id 42 name Ada`, `EXPIRE {ns}${CREATE_KEY} 30`, 'EXEC'],
    ],
  },
  {
    id: 'session-slide',
    kind: 'exercise',
    points: 2,
    setup: (ctx) =>
      fresh(ctx, [SLIDE_KEY], async (k) => {
        await ctx.unrecorded.hset(k(SLIDE_KEY), LIN);
        await ctx.unrecorded.expire(k(SLIDE_KEY), 60);
      }),
    check: expanded(
      custom(`{ns}${SLIDE_KEY}: last_page = /cart, user_id and name kept, TTL back to ${SESSION_TTL} s, field and TTL in one EXEC`, slid),
    ),
    hints: [
      'Two things change: one field, and the deadline of the whole key. HSET alone leaves the deadline where it was.',
      `MULTI · HSET key last_page /cart · EXPIRE key ${SESSION_TTL} · EXEC`,
    ],
    solution: ['MULTI', `HSET {ns}${SLIDE_KEY} last_page /cart`, `EXPIRE {ns}${SLIDE_KEY} ${SESSION_TTL}`, 'EXEC'],
    wrong: [
      // The field changes, the deadline does not: in a minute the active user is logged out.
      [`HSET {ns}${SLIDE_KEY} last_page /cart`],
      // NX sets a TTL only on a key without one: this session has one, so nothing slides.
      ['MULTI', `HSET {ns}${SLIDE_KEY} last_page /cart`, `EXPIRE {ns}${SLIDE_KEY} ${SESSION_TTL} NX`, 'EXEC'],
      // The whole session rewritten to change one field.
      [
        'MULTI',
        `DEL {ns}${SLIDE_KEY}`,
        `HSET {ns}${SLIDE_KEY} user_id 77 name Lin last_page /cart`,
        `EXPIRE {ns}${SLIDE_KEY} ${SESSION_TTL}`,
        'EXEC',
      ],
      // Right state, two steps.
      [`HSET {ns}${SLIDE_KEY} last_page /cart`, `EXPIRE {ns}${SLIDE_KEY} ${SESSION_TTL}`],
    ],
  },
  {
    id: 'session-library',
    kind: 'code',
    async run(ctx) {
      const prefix = ctx.key('sessions:sess:');
      const id = await createSession(ctx.redis, prefix, { user_id: 42, name: 'Ada' }, TTL_MS);
      const key = sessionKey(prefix, id);
      ctx.say(`createSession → id ${id}: 18 random bytes, so nobody can guess another user's session`);
      const session = await getSession(ctx.redis, prefix, id, TTL_MS);
      ctx.say(`getSession → ${JSON.stringify(session)}; the PEXPIRE in the same MULTI slid the deadline`);
      await touchSession(ctx.redis, prefix, id, { last_page: '/cart' }, TTL_MS);
      await ctx.redis.ttl(key);
      await destroySession(ctx.redis, prefix, id);
      const late = await touchSession(ctx.redis, prefix, id, { last_page: '/checkout' }, TTL_MS);
      ctx.say(`a request that was still running at logout: touchSession → ${late}; it wrote nothing, the session stays gone`);
    },
  },
  {
    id: 'session-zombie',
    kind: 'code',
    async run(ctx) {
      const key = ctx.key('sessions:sess:zombie');
      await ctx.claim([key]);
      await ctx.redis.unlink(key);
      await ctx.redis.hset(key, { user_id: '42', name: 'Ada' });
      await ctx.redis.pexpire(key, 50);
      await sleep(120);
      await ctx.redis.exists(key);
      await ctx.claim([key]);
      await ctx.redis.hset(key, 'last_page', '/checkout');
      await ctx.redis.hgetall(key);
      await ctx.redis.ttl(key);
      ctx.say('the late HSET made a new hash: no user_id, no TTL. It never expires, and code that reads it as a session finds no user.');
    },
  },
];
