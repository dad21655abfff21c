// min-replicas-to-write / min-replicas-max-lag: the exercise that sets the guard on the primary, then an isolated
// primary (both replicas paused, links still open) taking writes until the guard trips, counted.
import type { StepSpec } from '../../engine/prose.js';
import type { CheckResult, LessonContext } from '../../engine/types.js';
import { adminCall } from '../../lab/admin.js';
import { count } from '../../engine/kit.js';
import { GUARD_MAX_LAG, GUARD_REPLICAS, ISOLATION_LIMIT_MS, ISOLATION_WRITE_EVERY_MS, figures } from './shared.js';
import { PRIMARY, REPLICAS, inSync, labOf, restoreTopology, sleep, tryCall, waitUntil } from './lib/topology.js';

async function setting(ctx: LessonContext, name: string): Promise<number> {
  const reply = await adminCall(labOf(ctx).node(PRIMARY).port, ['CONFIG', 'GET', name]);
  return Array.isArray(reply) ? Number(reply[1]) : NaN;
}

async function guarded(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const to = await setting(ctx, 'min-replicas-to-write');
  const lag = await setting(ctx, 'min-replicas-max-lag');
  const now = `min-replicas-to-write ${to}, min-replicas-max-lag ${lag}`;
  if (to === 0) return { pass: false, actual: `${now}: with 0 replicas required the guard is off, an isolated primary takes every write` };
  if (lag === 0)
    return {
      pass: false,
      actual: `${now}: a max lag of 0 turns the guard off too (redis.conf: "setting one or the other to 0 disables the feature")`,
    };
  if (to > REPLICAS.length) {
    return { pass: false, actual: `${now}: the lab has ${REPLICAS.length} replicas, so the primary refuses every write, even now` };
  }
  if (to !== GUARD_REPLICAS) {
    return { pass: false, actual: `${now}: asking for ${to} replicas stops all writes as soon as one replica restarts` };
  }
  if (lag > GUARD_MAX_LAG) {
    return { pass: false, actual: `${now}: an isolated primary would go on taking writes for ${lag} s or more` };
  }
  const probe = await tryCall(labOf(ctx).node(PRIMARY), ['SET', ctx.key('replication:guard-probe'), 'ok']);
  if (!probe.ok) return { pass: false, actual: `${now}, but the primary refuses writes with both replicas healthy: ${probe.reply}` };
  return { pass: true, actual: `${now}, and writes go through while a replica acknowledges` };
}

async function isolatedPrimary(ctx: LessonContext): Promise<void> {
  const lab = labOf(ctx);
  let to = await setting(ctx, 'min-replicas-to-write');
  let lag = await setting(ctx, 'min-replicas-max-lag');
  if (!(await inSync(lab)) || !to || !lag) {
    await restoreTopology(ctx);
    to = GUARD_REPLICAS;
    lag = GUARD_MAX_LAG;
  }
  const port = lab.node(PRIMARY).port;
  await adminCall(port, ['CONFIG', 'SET', 'min-replicas-to-write', String(to)]);
  await adminCall(port, ['CONFIG', 'SET', 'min-replicas-max-lag', String(lag)]);
  const primary = await ctx.lab!.client(PRIMARY);
  for (const r of REPLICAS) await lab.pause(r);
  ctx.say(
    `The primary is isolated: both replicas are paused, their connections still open, so nothing tells the primary ` +
      `they are gone except that their acknowledgements stop. A client writes every ${ISOLATION_WRITE_EVERY_MS} ms:`,
  );
  const t0 = Date.now();
  let accepted = 0;
  let refusedAfterMs = -1;
  for (let i = 0; Date.now() - t0 < ISOLATION_LIMIT_MS; i++) {
    const r = await tryCall(lab.node(PRIMARY), ['SET', ctx.key(`replication:isolated:${i}`), 'paid']);
    if (r.ok) accepted++;
    else if (/NOREPLICAS/.test(r.reply)) {
      refusedAfterMs = Date.now() - t0;
      break;
    }
    await sleep(ISOLATION_WRITE_EVERY_MS);
  }
  await primary.set(ctx.key('replication:isolated:refused'), 'paid').catch(() => null);
  figures.isolation = { accepted, refusedAfterMs, refused: refusedAfterMs >= 0 };
  ctx.table(
    ['isolated for', 'writes accepted', 'then'],
    [
      [
        refusedAfterMs >= 0 ? `${(refusedAfterMs / 1000).toFixed(1)} s` : `${ISOLATION_LIMIT_MS / 1000} s`,
        accepted,
        refusedAfterMs >= 0 ? 'NOREPLICAS: writes refused' : 'still accepting',
      ],
    ],
  );
  for (const r of REPLICAS) await lab.resume(r);
  await waitUntil(5000, () => inSync(lab));
  await primary.set(ctx.key('replication:isolated:after'), 'paid').catch(() => null);
  ctx.say(
    `With min-replicas-max-lag ${lag} the isolated primary took ${count(accepted, 'write')} in its first ` +
      `${((refusedAfterMs >= 0 ? refusedAfterMs : ISOLATION_LIMIT_MS) / 1000).toFixed(1)} s alone, then refused: ` +
      `those writes are the ones a failover on the other side would lose. The guard bounds the loss to about max-lag ` +
      `seconds (plus up to a second: replicas acknowledge once a second, the primary counts once a second); it does not ` +
      `close it. Resumed, the replicas acknowledged again and writes went through.`,
  );
  await restoreTopology(ctx);
}

export const guardSteps: StepSpec[] = [
  {
    id: 'min-replicas',
    kind: 'exercise',
    points: 3,
    node: PRIMARY,
    setup: restoreTopology,
    check: async (ctx): Promise<CheckResult> => {
      const r = await guarded(ctx);
      return {
        pass: r.pass,
        expected: `on primary: min-replicas-to-write ${GUARD_REPLICAS}, min-replicas-max-lag 1..${GUARD_MAX_LAG}, writes accepted while healthy`,
        actual: r.actual,
      };
    },
    hints: [
      'Two settings of the primary work together: how many replicas must be acknowledging, and how recently (in seconds).',
      `CONFIG SET min-replicas-to-write N   and   CONFIG SET min-replicas-max-lag SECONDS`,
    ],
    solution: [`CONFIG SET min-replicas-to-write ${GUARD_REPLICAS}`, `CONFIG SET min-replicas-max-lag ${GUARD_MAX_LAG}`],
    wrong: [
      // The lag alone: min-replicas-to-write is still 0, so the guard is off.
      [`CONFIG SET min-replicas-max-lag ${GUARD_MAX_LAG}`],
      // A max lag of 0 disables the guard.
      [`CONFIG SET min-replicas-to-write ${GUARD_REPLICAS}`, 'CONFIG SET min-replicas-max-lag 0'],
      // More replicas than exist: every write refused, healthy or not.
      ['CONFIG SET min-replicas-to-write 3', `CONFIG SET min-replicas-max-lag ${GUARD_MAX_LAG}`],
      // Only the count: the default 10 s lets an isolated primary write for 10 s.
      [`CONFIG SET min-replicas-to-write ${GUARD_REPLICAS}`],
    ],
  },
  { id: 'isolated-primary', kind: 'code', run: isolatedPrimary },
];
