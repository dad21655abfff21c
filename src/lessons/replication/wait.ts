// WAIT numreplicas timeout: the exercise that confirms a write reached both replicas (graded on the learner's commands
// and on the replicas' data), then what WAIT does not promise: a write one replica acknowledged, lost anyway when the
// other replica is the one promoted.
import { keysWrittenBy, ranCommands } from '../../engine/checks.js';
import type { StepSpec } from '../../engine/prose.js';
import type { CheckResult, LessonContext } from '../../engine/types.js';
import { figures } from './shared.js';
import { PRIMARY, REPLICAS, labOf, linkedTo, restoreTopology, waitUntil } from './lib/topology.js';

const INVOICE = 'replication:invoice:7';

async function waitSetup(ctx: LessonContext): Promise<void> {
  await restoreTopology(ctx);
  const primary = await ctx.lab!.admin(PRIMARY);
  await primary.del(ctx.key(INVOICE));
  await primary.call('WAIT', '2', '1000');
}

/** wait-both: a WAIT for 2 replicas, after the last write to the invoice, answered ≥ 2, and both replicas hold it. */
async function confirmedOnBoth(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const key = ctx.key(INVOICE);
  const ran = ranCommands(ctx.history);
  let last = -1;
  ran.forEach((c, i) => {
    if (keysWrittenBy(c).includes(key)) last = i;
  });
  if (last < 0) return { pass: false, actual: `no write to ${key} yet` };
  const waits = ran.slice(last + 1).filter((c) => c.name === 'WAIT');
  if (!waits.length) {
    const early = ran.slice(0, last).some((c) => c.name === 'WAIT');
    return {
      pass: false,
      actual: early
        ? `your WAIT came before ${ran[last]!.command}: it confirmed the writes before it, not this one`
        : `no WAIT after ${ran[last]!.command}: its OK means only that the primary has it`,
    };
  }
  const good = waits.find((w) => Number(w.args[1]) >= REPLICAS.length && Number(w.reply) >= REPLICAS.length);
  if (!good) {
    const w = waits.at(-1)!;
    const asked = Number(w.args[1]);
    return {
      pass: false,
      actual:
        asked < REPLICAS.length
          ? `${w.command} → ${String(w.reply)}: it asks for ${asked} replica${asked === 1 ? '' : 's'}, so it may return before the other has the write`
          : `${w.command} → ${String(w.reply)}: fewer replicas than asked acknowledged before the timeout`,
    };
  }
  const value = await (await ctx.lab!.admin(PRIMARY)).get(key);
  for (const r of REPLICAS) {
    const v = await (await ctx.lab!.admin(r)).get(key);
    if (v !== value) return { pass: false, actual: `${r} holds ${key} = ${v ?? '(nil)'}, the primary ${value ?? '(nil)'}` };
  }
  return { pass: true, actual: `${good.command} → ${String(good.reply)} after ${ran[last]!.command}; both replicas hold it` };
}

async function waitLimits(ctx: LessonContext): Promise<void> {
  const lab = labOf(ctx);
  await restoreTopology(ctx);
  const key = ctx.key('replication:payment:42');
  const primary = await ctx.lab!.client(PRIMARY);
  await lab.cut('replica-1');
  ctx.say('replica-1 is cut off from the primary (a partition). The payment service writes and waits:');
  await primary.set(key, 'captured');
  const waitOne = Number(await primary.call('WAIT', '1', '500'));
  let t0 = Date.now();
  const waitTwo = Number(await primary.call('WAIT', '2', '500'));
  const waitTwoMs = Date.now() - t0;
  await primary.get(key);
  ctx.say(
    `WAIT 1 → ${waitOne} at once: replica-2 has the payment. WAIT 2 → ${waitTwo} after ${waitTwoMs} ms: it timed out ` +
      `and said so, and the write stayed on the primary. WAIT reports how many replicas have it; it never undoes a write.`,
  );
  t0 = Date.now();
  await lab.kill(PRIMARY);
  await lab.reconnect('replica-1');
  ctx.say(
    `The primary dies (SIGKILL). The partition heals for replica-1, and it is the one promoted (an operator's pick, or the only replica the failover could reach):`,
  );
  const r1 = await ctx.lab!.client('replica-1');
  const r2 = await ctx.lab!.client('replica-2');
  await r2.get(key);
  await r1.call('REPLICAOF', 'NO', 'ONE');
  await r1.get(key);
  const r1node = lab.node('replica-1');
  await r2.call('REPLICAOF', r1node.host, String(r1node.port));
  await waitUntil(5000, () => linkedTo(lab, 'replica-2', 'replica-1'));
  await r2.get(key);
  let holders = 0;
  for (const name of REPLICAS) if ((await (await ctx.lab!.admin(name)).get(key)) !== null) holders++;
  figures.waitLimits = { waitOne, waitTwo, waitTwoMs, holdersAfter: holders };
  ctx.say(
    `WAIT said ${waitOne} replica had the payment; after the failover ${holders} of ${REPLICAS.length} surviving nodes have it. ` +
      `replica-2 had it, then resynced from the new primary, whose history does not contain it, and dropped it. ` +
      `WAIT makes a loss less likely (Sentinel and Cluster promote the replica with the highest offset when they can); ` +
      `it is not a commit: no quorum, no rollback, no fsync (Redis 7.2 adds WAITAOF for the disk).`,
  );
  await restoreTopology(ctx);
}

export const waitSteps: StepSpec[] = [
  { id: 'wait-explained', kind: 'explain' },
  {
    id: 'wait-both',
    kind: 'exercise',
    points: 2,
    node: PRIMARY,
    setup: waitSetup,
    check: async (ctx): Promise<CheckResult> => {
      const r = await confirmedOnBoth(ctx);
      return {
        pass: r.pass,
        expected: `a WAIT for ${REPLICAS.length} replicas after writing ${ctx.key(INVOICE)}, answered ${REPLICAS.length}`,
        actual: r.actual,
      };
    },
    hints: [
      'Write the invoice, then block until both replicas acknowledge it, with a timeout so a dead replica cannot hang the request.',
      'WAIT numreplicas timeout-ms   (e.g. SET {ns}replication:invoice:7 paid, then WAIT 2 1000)',
    ],
    solution: ['SET {ns}replication:invoice:7 paid', 'WAIT 2 1000'],
    wrong: [
      // One replica is not both.
      ['SET {ns}replication:invoice:7 paid', 'WAIT 1 1000'],
      // WAIT before the write confirms the writes before it.
      ['WAIT 2 1000', 'SET {ns}replication:invoice:7 paid'],
      // The primary's OK alone.
      ['SET {ns}replication:invoice:7 paid'],
    ],
  },
  { id: 'wait-limits', kind: 'code', run: waitLimits },
];
