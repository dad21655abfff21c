// When a consumer dies: its entries stay in its pending list; another consumer takes over the idle ones (XAUTOCLAIM), or
// the consumer itself, restarted under the same name, re-reads them with ID 0. Two code steps and two exercises.
import { all, custom, ranCommands } from '../../engine/checks.js';
import { count, expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { createStreamConsumer, sleep } from '../../patterns/index.js';
import { DEAD_IDLE_MS, DEAD_IDS, INVOICE_IDS, LIVE_ID, MIN_IDLE_MS, PAYMENT_IDS } from './setup.js';
import { groupOf, listing, pendingOf } from './stream-state.js';

const PAYMENTS = 'messaging:payments';
const INVOICES = 'messaging:invoices';
/** How long the demo waits before reclaiming: real systems use minutes, above the longest a job may take. */
const DEMO_IDLE_MS = 200;

async function fill(ctx: LessonContext, key: string, field: string, values: string[]): Promise<void> {
  for (const v of values) await ctx.unrecorded.xadd(key, '*', field, v);
}

async function streamCrash(ctx: LessonContext): Promise<void> {
  const stream = ctx.key('messaging:refunds');
  await ctx.claim([stream]);
  await ctx.unrecorded.unlink(stream);
  await fill(ctx, stream, 'refund', ['R-1', 'R-2', 'R-3', 'R-4']);
  ctx.say(`${stream} holds 4 refunds (added silently); worker-a and worker-b consume it in the group "refunders"`);
  const a = createStreamConsumer(ctx.redis, { stream, group: 'refunders', consumer: 'worker-a' });
  const b = createStreamConsumer(ctx.redis, { stream, group: 'refunders', consumer: 'worker-b' });
  await a.ensureGroup('0');
  const batch = await a.read(4);
  await a.ack([batch[0]!.id]);
  ctx.say(`worker-a read a batch of ${batch.length}, refunded R-1 and acked it, then was killed in the middle of R-2`);
  const summary = await b.pending();
  const newOnes = await b.read(10);
  const early = await b.reclaim({ minIdleMs: 60_000 });
  ctx.say(
    `XPENDING: ${count(summary.count, 'entry', 'entries')} pending, all with worker-a. worker-b's XREADGROUP … > gets ` +
      `${newOnes.length} (only never-delivered entries), and XAUTOCLAIM with 60000 ms gets ${early.length}: they have been idle ` +
      'a few milliseconds, and a slow but live worker-a may still be on them',
  );
  await sleep(DEMO_IDLE_MS + 50);
  const reclaimed = await b.reclaim({ minIdleMs: DEMO_IDLE_MS });
  const rows = await b.pendingEntries();
  ctx.table(
    ['entry', 'refund', 'held by', 'idle', 'deliveries'],
    rows.map((p) => [p.id, reclaimed.find((e) => e.id === p.id)?.fields.refund ?? '', p.consumer, `${p.idleMs} ms`, p.deliveries]),
  );
  await b.ack(reclaimed.map((e) => e.id));
  ctx.say(
    `${DEMO_IDLE_MS} ms on, XAUTOCLAIM gave worker-b ${listing(reclaimed.map((e) => e.fields.refund!))} with their data; ` +
      'their delivery count went to 2. It processed and acked them: nothing lost, and R-2 may be refunded twice if ' +
      'worker-a had already paid it out, so the refund must be idempotent',
  );
}

async function streamRestart(ctx: LessonContext): Promise<void> {
  const stream = ctx.key('messaging:receipts');
  await ctx.claim([stream]);
  await ctx.unrecorded.unlink(stream);
  await fill(ctx, stream, 'receipt', ['order A-1', 'order A-2', 'order A-3', 'order A-4']);
  const before = createStreamConsumer(ctx.redis, { stream, group: 'mailer', consumer: 'mailer-1' });
  await before.ensureGroup('0');
  const got = await before.read(3);
  await before.ack([got[0]!.id]);
  ctx.say('mailer-1 read 3 receipts, sent the first, and then its process restarted');

  const after = createStreamConsumer(ctx.redis, { stream, group: 'mailer', consumer: 'mailer-1' });
  const own = await after.readOwnPending();
  await after.ack(own.map((e) => e.id));
  const none = await after.readOwnPending();
  const next = await after.read(10);
  await after.ack(next.map((e) => e.id));
  ctx.say(
    `the new process, under the same name, first read with ID 0: its own ${count(own.length, 'pending entry', 'pending entries')} ` +
      `(${listing(own.map((e) => e.fields.receipt!))}), payloads included; sent and acked them; ID 0 again returned ` +
      `${none.length}: done. Only then > for new work: ${listing(next.map((e) => e.fields.receipt!))}`,
  );
}

export const recoverySteps: StepSpec[] = [
  { id: 'stream-crash', kind: 'code', run: streamCrash },
  {
    id: 'reclaim-dead',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, [PAYMENTS], async (k) => {
        const key = k(PAYMENTS);
        for (const [i, id] of PAYMENT_IDS.entries()) await ctx.unrecorded.xadd(key, id, 'payment', `P-${301 + i}`);
        await ctx.unrecorded.xgroup('CREATE', key, 'settle', '0');
        await ctx.unrecorded.call('XREADGROUP', 'GROUP', 'settle', 'c-dead', 'COUNT', 3, 'STREAMS', key, '>');
        // XCLAIM to the same consumer with IDLE back-dates the delivery: as if c-dead took them an hour ago.
        await ctx.unrecorded.call('XCLAIM', key, 'settle', 'c-dead', 0, ...DEAD_IDS, 'IDLE', DEAD_IDLE_MS, 'JUSTID');
        await ctx.unrecorded.call('XREADGROUP', 'GROUP', 'settle', 'c-live', 'COUNT', 1, 'STREAMS', key, '>');
      }),
    check: expanded(
      custom(`c-dead's 3 entries held by c2; ${LIVE_ID} still with c-live`, async (ctx) => {
        const key = ctx.key(PAYMENTS);
        const pending = await pendingOf(ctx, key, 'settle');
        const claims = ranCommands(ctx.history).filter((c) => c.name === 'XAUTOCLAIM' || c.name === 'XCLAIM');
        const stillDead = DEAD_IDS.filter((id) => pending.get(id)?.consumer === 'c-dead');
        if (stillDead.length) {
          const readNew = ranCommands(ctx.history).some((c) => c.name === 'XREADGROUP' && c.args.at(-1) === '>');
          return {
            pass: false,
            actual:
              `c-dead still holds ${listing(stillDead)}` +
              (readNew ? ': XREADGROUP … > hands out only entries never delivered; pending ones must be claimed' : ''),
          };
        }
        const acked = DEAD_IDS.filter((id) => !pending.has(id));
        if (acked.length) {
          return {
            pass: false,
            actual: `${listing(acked)} ${acked.length === 1 ? 'is' : 'are'} no longer pending: acknowledged, so the payments were dropped, not settled (type :reset to start over)`,
          };
        }
        const elsewhere = DEAD_IDS.filter((id) => pending.get(id)!.consumer !== 'c2');
        if (elsewhere.length) {
          return { pass: false, actual: elsewhere.map((id) => `${id} is held by ${pending.get(id)!.consumer}`).join('; ') + ', not c2' };
        }
        const live = pending.get(LIVE_ID);
        if (live?.consumer !== 'c-live') {
          const tooEager = claims.find((c) => !(Number(c.args[4]) >= MIN_IDLE_MS));
          if (tooEager || !live) {
            return {
              pass: false,
              actual: `${LIVE_ID}, which c-live is working on right now, was taken${tooEager ? ` by ${tooEager.command}: a min-idle-time of ${tooEager.args[4]} ms hands a live consumer's work to another, and it runs twice` : ''} (type :reset to start over)`,
            };
          }
        }
        return {
          pass: true,
          actual: `${listing(DEAD_IDS)} now with c2${live?.consumer === 'c-live' ? `, ${LIVE_ID} still with c-live` : ''}`,
        };
      }),
    ),
    hints: [
      "Pending entries are never handed out again by >: another consumer has to claim them, and only those idle long enough, so c-live's fresh one stays where it is. One command scans the pending list for you.",
      `XAUTOCLAIM key group consumer min-idle-time start   (start 0-0 scans from the beginning; ${MIN_IDLE_MS} ms = 10 minutes)`,
    ],
    solution: [`XAUTOCLAIM {ns}messaging:payments settle c2 ${MIN_IDLE_MS} 0-0`],
    wrong: [
      // New entries only: c-dead's stay stuck.
      ['XREADGROUP GROUP settle c2 COUNT 10 STREAMS {ns}messaging:payments >'],
      // Any idle time: c-live's entry, a few seconds old, is taken from a live worker.
      ['XAUTOCLAIM {ns}messaging:payments settle c2 0 0-0'],
      // Acknowledging the dead consumer's entries "to clean up": the payments are never settled.
      ['XPENDING {ns}messaging:payments settle', `XACK {ns}messaging:payments settle ${DEAD_IDS.join(' ')}`],
    ],
  },
  { id: 'stream-restart', kind: 'code', run: streamRestart },
  {
    id: 'restart-pending',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, [INVOICES], async (k) => {
        const key = k(INVOICES);
        for (const [i, id] of INVOICE_IDS.entries()) await ctx.unrecorded.xadd(key, id, 'invoice', `INV-${401 + i}`);
        await ctx.unrecorded.xgroup('CREATE', key, 'mailer', '0');
        await ctx.unrecorded.call('XREADGROUP', 'GROUP', 'mailer', 'worker-1', 'COUNT', 3, 'STREAMS', key, '>');
      }),
    check: expanded(
      all(
        custom(`the 2 new invoices not delivered yet (last-delivered-id ${INVOICE_IDS[2]})`, async (ctx) => {
          const g = await groupOf(ctx, ctx.key(INVOICES), 'mailer');
          if (!g) return { pass: false, actual: 'the group mailer is gone (type :reset)' };
          if (g.lastDeliveredId !== INVOICE_IDS[2]) {
            return {
              pass: false,
              actual: `last-delivered-id is ${g.lastDeliveredId}: XREADGROUP … > handed out new invoices, while worker-1's own unfinished ones wait (ID 0 returns those) (type :reset to start over)`,
            };
          }
          return { pass: true, actual: `last-delivered-id ${g.lastDeliveredId}` };
        }),
        custom('nothing pending for worker-1', async (ctx) => {
          const pending = await pendingOf(ctx, ctx.key(INVOICES), 'mailer');
          const mine = [...pending].filter(([, p]) => p.consumer === 'worker-1').map(([id]) => id);
          return mine.length
            ? { pass: false, actual: `worker-1 still holds ${listing(mine)}: acknowledge each once it is processed (XACK)` }
            : { pass: true, actual: 'worker-1 has nothing pending' };
        }),
        custom('worker-1 re-read its pending entries (XREADGROUP … ID 0) before acknowledging them', (ctx) =>
          Promise.resolve().then(() => {
            const ran = ranCommands(ctx.history);
            const reread = ran.findIndex((c) => c.name === 'XREADGROUP' && c.args.includes('worker-1') && c.args.at(-1) !== '>');
            const firstAck = ran.findIndex((c) => c.name === 'XACK' && Number(c.reply) > 0);
            if (reread < 0 || (firstAck >= 0 && firstAck < reread)) {
              return {
                pass: false,
                actual:
                  'you acknowledged entries worker-1 never re-read: the restarted process has lost what it was doing, and XACK ' +
                  'drops the invoices unsent. XREADGROUP GROUP mailer worker-1 STREAMS {ns}messaging:invoices 0 gives them back, payloads included',
              };
            }
            return { pass: true, actual: ran[reread]!.command };
          }),
        ),
      ),
    ),
    hints: [
      'With an id other than >, XREADGROUP does not hand out new entries: it returns the entries already delivered to this consumer name and not yet acknowledged, from that id on.',
      'XREADGROUP GROUP mailer worker-1 STREAMS key 0   then   XACK key mailer id [id …]',
    ],
    solution: [
      'XREADGROUP GROUP mailer worker-1 COUNT 10 STREAMS {ns}messaging:invoices 0',
      `XACK {ns}messaging:invoices mailer ${INVOICE_IDS.slice(0, 3).join(' ')}`,
    ],
    wrong: [
      // New work first: the three unfinished invoices stay pending behind it.
      [
        'XREADGROUP GROUP mailer worker-1 COUNT 10 STREAMS {ns}messaging:invoices >',
        `XACK {ns}messaging:invoices mailer ${INVOICE_IDS.slice(3).join(' ')}`,
      ],
      // Clearing the pending list without doing the work.
      ['XPENDING {ns}messaging:invoices mailer', `XACK {ns}messaging:invoices mailer ${INVOICE_IDS.slice(0, 3).join(' ')}`],
      // Re-read, never acknowledged.
      ['XREADGROUP GROUP mailer worker-1 COUNT 10 STREAMS {ns}messaging:invoices 0'],
    ],
  },
];
