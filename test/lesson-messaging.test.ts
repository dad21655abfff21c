// The messaging lesson against the suite's server, with a shared server's rules (db 6, namespace messaging:): its races
// count what the naive versions lose or duplicate, its code steps show what the prose says, and its exercise checks take
// the other right answers and turn down the wrong ones with the reason. The patterns it teaches are tested in test/patterns/.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContext, type OwnedContext } from '../src/engine/context.js';
import { attemptExercise } from '../src/engine/exercise.js';
import { runRace } from '../src/engine/race.js';
import { runLesson } from '../src/engine/runner.js';
import type { CheckResult, ExerciseStep, Lesson, RaceStep } from '../src/engine/types.js';
import { messagingLesson } from '../src/lessons/messaging/index.js';
import { DEAD_IDS, EVENT_IDS, INVOICE_IDS, LIVE_ID, PAYMENT_IDS, SHIPMENT_IDS } from '../src/lessons/messaging/setup.js';
import type { Sandbox } from '../src/redis/sandbox.js';
import { asLearner, openSandbox } from './helpers.js';

const NS = 'messaging:';
let sb: Sandbox;
let ctx: OwnedContext;
const k = (name: string) => `${NS}${name}`;

beforeAll(async () => {
  sb = await openSandbox(6, NS);
  ctx = createContext(sb, { scope: messagingLesson.id, write: () => {} });
});

afterAll(async () => {
  await ctx.dispose();
  await sb.reset(messagingLesson.id);
  await sb.close();
});

beforeEach(async () => {
  await sb.reset(messagingLesson.id);
});

function exercise(id: string): ExerciseStep {
  const step = messagingLesson.steps.find((s) => s.id === id);
  if (step?.kind !== 'exercise') throw new Error(`no exercise ${id}`);
  return step;
}

function race(id: string): RaceStep {
  const step = messagingLesson.steps.find((s) => s.id === id);
  if (step?.kind !== 'race') throw new Error(`no race ${id}`);
  return step;
}

/** The exercise's setup, these lines typed through the learner's path (shared-server rules), then its check. */
function attempt(id: string, lines: string[], before?: () => Promise<void>): Promise<CheckResult> {
  return attemptExercise(exercise(id), { sb, ctx, scope: messagingLesson.id }, lines, before);
}

function only(...ids: string[]): Lesson {
  return { ...messagingLesson, steps: messagingLesson.steps.filter((s) => ids.includes(s.id)) };
}

const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '').replace(/\n\s*/g, ' ');

/** Runs some steps with --auto and returns what they printed, one output call per line. */
async function output(...ids: string[]): Promise<string> {
  const lines: string[] = [];
  const r = await runLesson(only(...ids), sb, { mode: 'auto', out: (l) => lines.push(plain(l)) });
  expect(r.completed).toBe(true);
  return lines.join('\n');
}

describe('races: the naive versions fail, counted; the correct ones are exact', () => {
  it('list queue: RPOP loses the 2 jobs of the killed workers; BLMOVE + requeue does all 30', async () => {
    const rows = (await runRace(race('list-queue-race'), { ctx, print: () => {} })).race ?? [];
    expect(rows.map((r) => [r.label, r.atomic])).toEqual([
      ['RPOP', false],
      ['BLMOVE + processing list', true],
    ]);
    expect(rows[0]).toMatchObject({ expected: 30, actual: 28, unit: 'jobs done' });
    expect(rows[1]).toMatchObject({ expected: 30, actual: 30 });
    // Nothing left behind in the reliable variant: queue and every processing list empty.
    const lists = [k('messaging:race:reliable-jobs'), ...[0, 1, 2, 3, 4].map((i) => k(`messaging:race:reliable-jobs:processing:w${i}`))];
    for (const key of lists) expect({ key, len: await sb.admin.llen(key) }).toEqual({ key, len: 0 });
  });

  it('delayed jobs: 5 naive pollers run jobs more than once; ZREM-checked and the script run each due job once, none early', async () => {
    const lines: string[] = [];
    const rows = (await runRace(race('delayed-race'), { ctx: { ...ctx, say: (t) => lines.push(t) }, print: () => {} })).race ?? [];
    expect(rows[0]!.atomic).toBe(false);
    expect(rows[0]!.actual).toBeGreaterThan(30);
    for (const r of rows.slice(1)) expect(r).toMatchObject({ atomic: true, expected: 30, actual: 30, unit: 'job runs' });
    expect(lines.join('\n')).not.toContain('run early');
    // The jobs due in an hour are still waiting in every variant.
    expect(await sb.admin.zcard(k('messaging:race:naive-due'))).toBe(5);
    expect(await sb.admin.zcard(k('messaging:race:checked-due'))).toBe(5);
    expect(await sb.admin.zcard(k('messaging:race:delayed:due'))).toBe(5);
  });
});

describe('code steps show what the prose says', () => {
  it('pub/sub: PUBLISH reaches 0 while the subscriber is away; it receives 4 of 6, the consumer group 6 of 6', async () => {
    const out = await output('pubsub-away');
    expect(out).toMatch(/PUBLISH messaging:messaging:prices \S+\s+\(integer\) 0/);
    expect(out).toContain('PUBLISH reached 0 subscribers');
    expect(out).toMatch(/pub\/sub subscriber\s+│ 6\s+│ 4\s+│ 2/);
    expect(out).toMatch(/stream consumer group\s+│ 6\s+│ 6\s+│ 0/);
    expect(await sb.admin.xlen(k('messaging:price-log'))).toBe(6);
  });

  it('list queue: the dead worker’s job goes back to the front of the queue; the blocked worker wakes on LPUSH', async () => {
    const out = await output('list-queue');
    expect(out).toContain('BLMOVE messaging:messaging:emails messaging:messaging:emails:processing:w1 RIGHT LEFT 1');
    expect(out).toContain('a supervisor moved email:2 back');
    // The right end is the next one a worker takes.
    expect(await sb.admin.lrange(k('messaging:emails'), 0, -1)).toEqual(['email:3', 'email:2']);
    expect(await sb.admin.llen(k('messaging:emails:processing:w1'))).toBe(0);
    expect(out).toMatch(/it got sms:1 [\d.]+ ms after the LPUSH/);
  });

  it('stream groups: two packers split the stream, a second group reads it all, a blocked consumer wakes on XADD', async () => {
    const out = await output('stream-groups');
    expect(out).toContain('packer-1 got A-101, A-102, packer-2 got A-103, A-104');
    expect(out).toContain('1 entry stays pending (packer-2: 1)');
    expect(out).toContain('invoicing got all 4 orders');
    expect(out).toMatch(/packer-3 waited in XREADGROUP … BLOCK 2000 on its own connection and got A-105/);
  });

  it('a consumer killed mid-batch: XAUTOCLAIM takes nothing at 60 s, then all 3 with their data, delivered twice', async () => {
    const out = await output('stream-crash');
    expect(out).toContain('XAUTOCLAIM messaging:messaging:refunds refunders worker-b 60000 0-0');
    expect(out).toContain('XAUTOCLAIM with 60000 ms gets 0');
    expect(out).toContain('XAUTOCLAIM gave worker-b R-2, R-3 and R-4 with their data');
    expect(out).toMatch(/R-2\s+│ worker-b\s+│ \d+ ms\s+│ 2/);
    expect(await sb.admin.xpending(k('messaging:refunds'), 'refunders')).toEqual([0, null, null, null]);
  });

  it('restart: ID 0 returns the 2 unfinished receipts before > gives the new one', async () => {
    const out = await output('stream-restart');
    expect(out).toContain('XREADGROUP GROUP mailer mailer-1 COUNT 100 STREAMS messaging:messaging:receipts 0');
    expect(out).toContain('its own 2 pending entries (order A-2 and order A-3)');
    expect(out).toContain('Only then > for new work: order A-4');
  });

  it('trimming: MAXLEN 3 drops the two entries c1 holds, which come back as nil', async () => {
    const out = await output('trimming');
    expect(out).toMatch(/XTRIM messaging:messaging:clicks MAXLEN 3\s+\(integer\) 2/);
    expect(out).toMatch(/"1718000001000-0"\s+2\) \(nil\)/);
    expect((await sb.admin.xrange(k('messaging:clicks'), '-', '+')).map(([id]) => id).slice(0, 2)).toEqual([
      '1718000004000-0',
      '1718000005000-0',
    ]);
  });

  it('delayed jobs: the dead worker’s lease expires, another claims the job, the late ack is refused', async () => {
    const out = await output('delayed-jobs');
    expect(out).toContain('scheduled 3, 2 due now');
    expect(out).toContain('w1 claimed remind cart-17 for 5 s, ran it, acked it → true');
    expect(out).toContain('1 in flight, 1 of them past its deadline');
    expect(out).toContain("got remind cart-18; w2's late ack → false");
    expect(out).toContain('the next claim → nothing');
    expect(await sb.admin.hgetall(k('messaging:reminders:jobs'))).toEqual({ '3': 'daily report' });
  });
});

describe('exercise checks: other right answers pass, wrong ones fail with the reason', () => {
  it('move-job: BLMOVE with a short timeout passes; RPOP then LPUSH is named', async () => {
    expect(await attempt('move-job', ['BLMOVE {ns}messaging:jobs {ns}messaging:jobs:processing:w1 RIGHT LEFT 5'])).toMatchObject({
      pass: true,
    });
    const split = await attempt('move-job', ['RPOP {ns}messaging:jobs', 'LPUSH {ns}messaging:jobs:processing:w1 job-1']);
    expect(split.pass).toBe(false);
    expect(split.actual).toContain('it was in no list, and a worker killed there loses it');
  });

  it('create-group: 0 MKSTREAM on the new stream passes too; $ on the orders names the lost orders', async () => {
    expect(
      await attempt('create-group', [
        'XGROUP CREATE {ns}messaging:orders billing 0',
        'XGROUP CREATE {ns}messaging:signups welcome 0 MKSTREAM',
      ]),
    ).toMatchObject({ pass: true });
    const dollar = await attempt('create-group', ['XGROUP CREATE {ns}messaging:orders billing $']);
    expect(dollar.actual).toContain('the 3 orders already in the stream would never be billed');
  });

  it('read-ack: XREADGROUP with BLOCK (the learner’s own connection) passes; ID 0 and XREAD are explained', async () => {
    const blocking = await attempt('read-ack', [
      'XREADGROUP GROUP warehouse c1 COUNT 2 BLOCK 1000 STREAMS {ns}messaging:shipments >',
      `XACK {ns}messaging:shipments warehouse ${SHIPMENT_IDS[0]} ${SHIPMENT_IDS[1]}`,
    ]);
    expect(blocking).toMatchObject({ pass: true });
    const zero = await attempt('read-ack', ['XREADGROUP GROUP warehouse c1 COUNT 2 STREAMS {ns}messaging:shipments 0']);
    expect(zero.actual).toContain("returns the consumer's own pending entries (c1 has none yet)");
    const xread = await attempt('read-ack', ['XREAD COUNT 2 STREAMS {ns}messaging:shipments 0']);
    expect(xread.actual).toContain('XREAD reads without a group');
    const three = await attempt('read-ack', [
      'XREADGROUP GROUP warehouse c1 COUNT 3 STREAMS {ns}messaging:shipments >',
      `XACK {ns}messaging:shipments warehouse ${SHIPMENT_IDS.slice(0, 3).join(' ')}`,
    ]);
    expect(three.actual).toContain('3 entries delivered to the group, the task was 2');
  });

  it('reclaim-dead: XCLAIM with the ids passes; min-idle 0 is named; once c-live’s entry is old too, 600000 may take it', async () => {
    const setup = await attempt('reclaim-dead', []);
    expect(setup.pass).toBe(false);
    expect(setup.actual).toContain(`c-dead still holds ${DEAD_IDS[0]}`);
    expect(await attempt('reclaim-dead', [`XCLAIM {ns}messaging:payments settle c2 600000 ${DEAD_IDS.join(' ')}`])).toMatchObject({
      pass: true,
    });
    const eager = await attempt('reclaim-dead', ['XAUTOCLAIM {ns}messaging:payments settle c2 0 0-0']);
    expect(eager.actual).toContain(`${LIVE_ID}, which c-live is working on right now, was taken`);
    expect(eager.actual).toContain('min-idle-time of 0 ms');
    // A learner who took their time: c-live's entry is now idle for 11 minutes, and the threshold rightly takes it.
    const aged = await attempt('reclaim-dead', ['XAUTOCLAIM {ns}messaging:payments settle c2 600000 0-0'], async () => {
      await sb.admin.call('XCLAIM', k('messaging:payments'), 'settle', 'c-live', 0, LIVE_ID, 'IDLE', 660_000, 'JUSTID');
    });
    expect(aged).toMatchObject({ pass: true });
    const pending = (await sb.admin.call('XPENDING', k('messaging:payments'), 'settle', '-', '+', 10)) as [string, string][];
    expect(pending.map(([id, who]) => [id, who])).toEqual(PAYMENT_IDS.slice(0, 4).map((id) => [id, 'c2']));
  });

  it('restart-pending: re-reading after an ack does not count; re-reading then acking in a MULTI does', async () => {
    const lateReread = await attempt('restart-pending', [
      `XACK {ns}messaging:invoices mailer ${INVOICE_IDS[0]}`,
      'XREADGROUP GROUP mailer worker-1 STREAMS {ns}messaging:invoices 0',
      `XACK {ns}messaging:invoices mailer ${INVOICE_IDS[1]} ${INVOICE_IDS[2]}`,
    ]);
    expect(lateReread.actual).toContain('you acknowledged entries worker-1 never re-read');
    const inMulti = await attempt('restart-pending', [
      'MULTI',
      'XREADGROUP GROUP mailer worker-1 STREAMS {ns}messaging:invoices 0',
      `XACK {ns}messaging:invoices mailer ${INVOICE_IDS.slice(0, 3).join(' ')}`,
      'EXEC',
    ]);
    expect(inMulti).toMatchObject({ pass: true });
  });

  it('trim-acked: trimming by one group names the other group’s pending entries that lost their payload', async () => {
    const r = await attempt('trim-acked', [`XTRIM {ns}messaging:events MINID ${EVENT_IDS[6]}`]);
    expect(r.actual).toBe(
      `trimmed too far: ${EVENT_IDS[4]} (pending in analytics: its consumer gets nil for it) and ${EVENT_IDS[5]} (pending in analytics: its consumer gets nil for it) (type :reset to start over)`,
    );
    const approx = await attempt('trim-acked', [`XTRIM {ns}messaging:events MINID ~ ${EVENT_IDS[4]}`]);
    expect(approx.actual).toContain('~ removes only whole internal nodes');
  });

  it('schedule-job: seconds are named; HMSET in the MULTI passes too', async () => {
    const seconds = await attempt('schedule-job', [
      'MULTI',
      'HSET {ns}messaging:schedule:jobs 1001 invoice-reminder:A-17',
      'ZADD {ns}messaging:schedule:due 1909126800 1001',
      'EXEC',
    ]);
    expect(seconds.actual).toContain('in seconds');
    expect(
      await attempt('schedule-job', [
        'MULTI',
        'ZADD {ns}messaging:schedule:due 1909126800000 1001',
        'HMSET {ns}messaging:schedule:jobs 1001 invoice-reminder:A-17',
        'EXEC',
      ]),
    ).toMatchObject({ pass: true });
  });
});

describe('as a learner meets it', () => {
  it('reclaim-dead: XREADGROUP > gets "not yet" with the reason, then XAUTOCLAIM earns the points', async () => {
    const { step, completed, notYet } = await asLearner(messagingLesson, sb, 'reclaim-dead', [
      'XREADGROUP GROUP settle c2 COUNT 10 STREAMS {ns}messaging:payments >',
      'XAUTOCLAIM {ns}messaging:payments settle c2 600000 0-0',
    ]);
    expect(completed).toBe(true);
    expect(notYet).toHaveLength(1);
    expect(notYet[0]).toContain('XREADGROUP … > hands out only entries never delivered; pending ones must be claimed');
    expect(step).toMatchObject({ passed: true, points: 3 });
  });

  it('the whole lesson scores full marks with --auto under the shared server’s rules, and reset leaves nothing', async () => {
    const r = await runLesson(messagingLesson, sb, { mode: 'auto', out: () => {} });
    expect(r.steps.filter((s) => s.unavailable)).toEqual([]);
    expect(r.score).toBe(r.maxScore);
    expect(r.maxScore).toBe(19);
    await sb.reset(messagingLesson.id);
    const [, left] = await sb.admin.scan('0', 'MATCH', `${NS}messaging:*`, 'COUNT', 10_000);
    expect(left).toEqual([]);
  });
});
