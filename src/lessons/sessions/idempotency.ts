// Idempotency keys: a payment retried during a failure, charged once per retry without a key, once per retry with a key
// checked in the client, and exactly once with idempotent(); then the claim and the retry typed by hand.
import { custom, ranCommands, writesTo } from '../../engine/checks.js';
import { count, expanded, fresh, TTL_OPTIONS } from '../../engine/kit.js';
import type { RaceSpec, StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { idempotentNaive } from '../../antipatterns/sessions.js';
import { idempotent, sleep } from '../../patterns/index.js';
import { EXPIRY, hasOption, listed, SCRIPT_CALL } from './checks.js';
import { CLAIM_TTL, PAYMENT_MS, RESULT_TTL, RETRIES } from './shared.js';

type Verdict = { pass: boolean; actual: string };

const CLAIM_KEY = 'sessions:idem:pay-1001';
const CLAIM_RESULT = 'done:ch_1001';
const RETRY_KEY = 'sessions:idem:pay-1002';
const RETRY_RESULT = 'done:ch_1002';

/** What one variant's "payment provider" did: every card charge it made. */
interface PaymentState {
  charges: number;
  /** The charge id each retry was answered with. */
  answers: string[];
}

/** The payment provider: slow, and it charges every time it is called. */
async function charge(state: PaymentState): Promise<{ charge: string; amount: number }> {
  state.charges++;
  const id = `ch_${state.charges}`;
  await sleep(PAYMENT_MS);
  return { charge: id, amount: 2000 };
}

const raceKey = (ctx: LessonContext, variant: string) => ctx.key(`sessions:idem:race-${variant}`);

async function setupPayment(ctx: LessonContext, variant: string): Promise<void> {
  const key = raceKey(ctx, variant);
  await ctx.claim([key]);
  await ctx.unrecorded.unlink(key);
}

function measurePayment(ctx: LessonContext, state: PaymentState, label: string) {
  const distinct = new Set(state.answers).size;
  ctx.say(`${label}: ${count(state.charges, 'charge')}; the ${RETRIES} retries got ${count(distinct, 'different answer')}`);
  return Promise.resolve({ expected: 1, actual: state.charges, unit: 'card charges' });
}

const paymentRace: RaceSpec<PaymentState> = {
  id: 'idempotency-race',
  kind: 'race',
  clients: RETRIES,
  state: () => ({ charges: 0, answers: [] }),
  variants: [
    {
      label: 'no idempotency key',
      atomic: false,
      async worker(_client, _i, _ctx, state) {
        state.answers.push((await charge(state)).charge);
      },
      measure: (ctx, state) => measurePayment(ctx, state, 'no key'),
    },
    {
      label: 'GET the key, charge, SET',
      atomic: false,
      setup: (ctx) => setupPayment(ctx, 'get-set'),
      async worker(client, _i, ctx, state) {
        const r = await idempotentNaive(client, raceKey(ctx, 'get-set'), RESULT_TTL * 1000, () => charge(state));
        state.answers.push(r.charge);
      },
      measure: (ctx, state) => measurePayment(ctx, state, 'GET, then SET'),
    },
    {
      label: 'idempotent() (SET … NX claim)',
      atomic: true,
      setup: (ctx) => setupPayment(ctx, 'library'),
      async worker(client, _i, ctx, state) {
        const r = await idempotent(client, raceKey(ctx, 'library'), RESULT_TTL * 1000, () => charge(state));
        state.answers.push(r.value.charge);
      },
      measure: (ctx, state) => measurePayment(ctx, state, 'idempotent()'),
    },
  ],
};

/** idem-claim: claimed by SET … NX with a TTL in one command (the key's first write), then the result kept for 24 hours. */
async function claimedThenStored(ctx: LessonContext): Promise<Verdict> {
  const key = ctx.key(CLAIM_KEY);
  const restart = ` (to start over: UNLINK ${key})`;
  const type = await ctx.unrecorded.type(key);
  if (type === 'none') return { pass: false, actual: `${key} does not exist yet` };
  const writes = writesTo(ctx, key);
  const fromLastDelete = writes.slice(writes.findLastIndex((c) => /^(DEL|UNLINK)$/.test(c.name)) + 1);
  const script = fromLastDelete.find((c) => SCRIPT_CALL.test(c.name));
  const claim = fromLastDelete[0];
  if (!script && claim) {
    const ttl = claim.args.slice(3).some((a) => TTL_OPTIONS.has(a.toUpperCase()));
    if (claim.name !== 'SET' || !hasOption(claim, 'NX')) {
      return {
        pass: false,
        actual: `the key was first written by ${claim.command}, which does not ask whether someone holds it already: a retry arriving at the same moment claims it too and charges again. Claim with SET … NX${restart}`,
      };
    }
    if (!ttl) {
      const later = fromLastDelete.find((c) => EXPIRY.test(c.name));
      return {
        pass: false,
        actual: `${claim.command} claimed it with no TTL${later ? ` (${later.command} came after, as a second step)` : ''}: if this worker dies before it stores the result, the key blocks every retry forever. Put PX or EX in the same SET${restart}`,
      };
    }
  }
  const value = type === 'string' ? await ctx.unrecorded.get(key) : null;
  if (value !== CLAIM_RESULT) {
    return { pass: false, actual: `${key} = ${JSON.stringify(value ?? `(a ${type})`)}: store the result, ${CLAIM_RESULT}` };
  }
  const pttl = await ctx.unrecorded.pttl(key);
  if (pttl === -1) return { pass: false, actual: `${key} keeps the result forever: give it a TTL of ${RESULT_TTL} s, or the keys pile up` };
  const ttl = Math.round(pttl / 1000);
  if (ttl < RESULT_TTL - 400 || ttl > RESULT_TTL) return { pass: false, actual: `TTL ${ttl} s: 24 hours is ${RESULT_TTL} s` };
  if (script) return { pass: true, actual: `${script.name} claimed and stored it on the server` };
  return { pass: true, actual: `${listed(fromLastDelete)}: claimed with NX and a TTL in one command, result kept for 24 h` };
}

/** idem-retry: the stored result untouched, and read back by the same SET … NX … GET that tried to claim the key. */
async function retriedInOne(ctx: LessonContext): Promise<Verdict> {
  const key = ctx.key(RETRY_KEY);
  const value = (await ctx.unrecorded.type(key)) === 'string' ? await ctx.unrecorded.get(key) : null;
  if (value !== RETRY_RESULT) {
    return {
      pass: false,
      actual: `${key} = ${JSON.stringify(value)}: the stored result was replaced, so the next retry charges the card again (:reset to start over)`,
    };
  }
  if ((await ctx.unrecorded.pttl(key)) < (RESULT_TTL - 400) * 1000)
    return { pass: false, actual: `the result's TTL changed: a retry must leave it alone (:reset to start over)` };
  const ran = ranCommands(ctx.history).filter((c) => c.keys.includes(key));
  const oneCommand = ran.find((c) => c.name === 'SET' && hasOption(c, 'NX') && hasOption(c, 'GET') && c.reply === RETRY_RESULT);
  if (oneCommand)
    return { pass: true, actual: `${oneCommand.command} → "${RETRY_RESULT}": not claimed, and the stored answer in the same reply` };
  const nx = ran.find((c) => c.name === 'SET' && hasOption(c, 'NX'));
  const get = ran.find((c) => c.name === 'GET');
  if (nx && get) {
    return {
      pass: false,
      actual: `${listed([nx, get].sort((a, b) => ran.indexOf(a) - ran.indexOf(b)))}: two round trips, and between them the key can change; SET … NX … GET claims or answers in one`,
    };
  }
  if (nx) return { pass: false, actual: `${nx.command} → (nil): you know the key is taken, but not its answer; add GET to the same SET` };
  if (get) return { pass: false, actual: `${get.command} only reads: had the key been free, you would not have claimed it` };
  return { pass: false, actual: ran.length ? `${listed(ran)}` : 'no command on the key yet' };
}

export const idempotencySteps: StepSpec[] = [
  {
    id: 'idem-basics',
    kind: 'run',
    commands: [
      `SET {ns}sessions:idem:demo processing NX PX ${CLAIM_TTL * 1000}`,
      `SET {ns}sessions:idem:demo processing NX PX ${CLAIM_TTL * 1000}`,
      'PTTL {ns}sessions:idem:demo',
      `SET {ns}sessions:idem:demo done:ch_77 XX EX ${RESULT_TTL}`,
      `SET {ns}sessions:idem:demo processing NX PX ${CLAIM_TTL * 1000} GET`,
      'GET {ns}sessions:idem:demo',
    ],
  },
  paymentRace,
  {
    id: 'idempotency-library',
    kind: 'code',
    async run(ctx) {
      const ok = ctx.key('sessions:idem:pay-2001');
      const failing = ctx.key('sessions:idem:pay-2002');
      await ctx.claim([ok, failing]);
      await ctx.unrecorded.unlink(ok, failing);
      const state: PaymentState = { charges: 0, answers: [] };
      const first = await idempotent(ctx.redis, ok, RESULT_TTL * 1000, () => charge(state));
      ctx.say(`first request: charged ${first.value.charge}, replayed ${first.replayed}`);
      const again = await idempotent(ctx.redis, ok, RESULT_TTL * 1000, () => charge(state));
      ctx.say(`its retry: ${again.value.charge}, replayed ${again.replayed}; the card was charged ${count(state.charges, 'time')}`);
      await ctx.redis.pttl(ok);
      try {
        await idempotent(ctx.redis, failing, RESULT_TTL * 1000, () => Promise.reject(new Error('card network timeout')));
      } catch (err) {
        ctx.say(`another request failed (${(err as Error).message}): its claim was released, so a retry may try again`);
      }
      const retried = await idempotent(ctx.redis, failing, RESULT_TTL * 1000, () => charge(state));
      ctx.say(`its retry ran the payment: ${retried.value.charge}, replayed ${retried.replayed}`);
    },
  },
  {
    id: 'idem-claim',
    kind: 'exercise',
    points: 3,
    setup: (ctx) => fresh(ctx, [CLAIM_KEY], () => Promise.resolve()),
    check: expanded(
      custom(
        `{ns}${CLAIM_KEY}: claimed by SET … NX with a ${CLAIM_TTL} s TTL in one command, then = ${CLAIM_RESULT} with a TTL of ${RESULT_TTL} s`,
        claimedThenStored,
      ),
    ),
    hints: [
      'The claim is one SET with three parts: the value, NX (only if nobody has it), and PX or EX (so a crashed worker lets go). The result is a second SET, with its own TTL.',
      `SET key processing NX PX ${CLAIM_TTL * 1000}   ·   then   SET key ${CLAIM_RESULT} EX ${RESULT_TTL}`,
    ],
    solution: [`SET {ns}${CLAIM_KEY} processing NX PX ${CLAIM_TTL * 1000}`, `SET {ns}${CLAIM_KEY} ${CLAIM_RESULT} XX EX ${RESULT_TTL}`],
    wrong: [
      // No NX: every retry "claims" it, so every retry charges.
      [`SET {ns}${CLAIM_KEY} processing PX ${CLAIM_TTL * 1000}`, `SET {ns}${CLAIM_KEY} ${CLAIM_RESULT} EX ${RESULT_TTL}`],
      // The claim without its TTL, the TTL as a second step.
      [
        `SET {ns}${CLAIM_KEY} processing NX`,
        `PEXPIRE {ns}${CLAIM_KEY} ${CLAIM_TTL * 1000}`,
        `SET {ns}${CLAIM_KEY} ${CLAIM_RESULT} EX ${RESULT_TTL}`,
      ],
      // The result kept forever.
      [`SET {ns}${CLAIM_KEY} processing NX PX ${CLAIM_TTL * 1000}`, `SET {ns}${CLAIM_KEY} ${CLAIM_RESULT}`],
      // Never claimed: the result written straight away.
      [`SET {ns}${CLAIM_KEY} ${CLAIM_RESULT} EX ${RESULT_TTL}`],
    ],
  },
  {
    id: 'idem-retry',
    kind: 'exercise',
    points: 2,
    setup: (ctx) => fresh(ctx, [RETRY_KEY], (k) => ctx.unrecorded.set(k(RETRY_KEY), RETRY_RESULT, 'EX', RESULT_TTL)),
    check: expanded(
      custom(
        `{ns}${RETRY_KEY} still = ${RETRY_RESULT} with its TTL, and one SET … NX … GET that tried to claim it and replied with it`,
        retriedInOne,
      ),
    ),
    hints: [
      'SET can do two things at once: NX claims only a free key, and GET replies with what the key held before. On a taken key, nothing is written and you get its value.',
      `SET key processing NX PX ${CLAIM_TTL * 1000} GET   (Redis 7.0+: NX and GET together)`,
    ],
    solution: [`SET {ns}${RETRY_KEY} processing NX PX ${CLAIM_TTL * 1000} GET`],
    wrong: [
      // GET without NX: replies with the old value, and overwrites it.
      [`SET {ns}${RETRY_KEY} processing PX ${CLAIM_TTL * 1000} GET`],
      // Two round trips where one does it.
      [`SET {ns}${RETRY_KEY} processing NX PX ${CLAIM_TTL * 1000}`, `GET {ns}${RETRY_KEY}`],
      // The claim alone: (nil) says "taken", not what the answer was.
      [`SET {ns}${RETRY_KEY} processing NX PX ${CLAIM_TTL * 1000}`],
    ],
  },
];
