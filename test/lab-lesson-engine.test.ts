// The engine's lab lessons: a lesson declaring a topology runs on a lab started for it (never on another server), the
// learner types at the node the exercise names (or `:node NAME`), commands reaching outside the lab are refused,
// a node the lesson killed answers with an error line instead of ending the run, and verify mode restores the
// topology with the exercise's setup.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminInfo } from '../src/lab/admin.js';
import { openLabLesson, type LabLessonSession } from '../src/lab/lesson-session.js';
import { runLesson } from '../src/engine/runner.js';
import type { Check, Lesson } from '../src/engine/types.js';
import { endLearnerTurn, runLearnerCommand } from '../src/redis/learner-command.js';
import { openPrivateSandbox } from './helpers.js';

/** replica-2 replicates replica-1 (a chained replica), link up. */
const chained: Check = async (ctx) => {
  const lab = ctx.lab!.lab;
  const info = await adminInfo(lab.node('replica-2').port, 'replication');
  const want = lab.node('replica-1').port;
  return {
    pass: info.role === 'slave' && Number(info.master_port) === want && info.master_link_status === 'up',
    expected: `replica-2 replicating replica-1 (:${want}), link up`,
    actual: `${info.role} of :${info.master_port ?? '-'}, link ${info.master_link_status ?? '-'}`,
  };
};

/** Both replicas replicate the primary again, links up. */
async function bothOnPrimary(ctx: Parameters<Check>[0]): Promise<void> {
  const lab = ctx.lab!.lab;
  const p = lab.node('primary');
  for (const name of ['replica-1', 'replica-2']) {
    const r = await ctx.lab!.admin(name);
    await r.call('REPLICAOF', p.host, String(p.port));
  }
  for (let i = 0; i < 100; i++) {
    const infos = await Promise.all(['replica-1', 'replica-2'].map((n) => adminInfo(lab.node(n).port, 'replication')));
    if (infos.every((x) => x.master_link_status === 'up' && Number(x.master_port) === p.port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const lesson: Lesson = {
  id: 'lab-engine',
  title: 'Lab engine',
  level: 'Advanced',
  minutes: 1,
  summary: 'test lesson',
  keys: ['lab-engine:*'],
  lab: { topology: 'replication' },
  steps: [
    { id: 'look', kind: 'run', title: 'look', commands: ['SET {ns}lab-engine:a 1', 'INFO replication'] },
    {
      id: 'chain',
      kind: 'exercise',
      title: 'chain a replica',
      text: 'Make replica-2 replicate from replica-1.',
      points: 2,
      node: 'replica-2',
      async setup(ctx) {
        const lab = ctx.lab!.lab;
        const r2 = await ctx.lab!.admin('replica-2');
        const p = lab.node('primary');
        await r2.call('REPLICAOF', p.host, String(p.port));
        for (let i = 0; i < 100; i++) {
          const info = await adminInfo(lab.node('replica-2').port, 'replication');
          if (info.master_link_status === 'up' && Number(info.master_port) === p.port) return;
          await new Promise((r) => setTimeout(r, 50));
        }
      },
      check: async (ctx) => {
        // The link takes a moment to come up after REPLICAOF.
        for (let i = 0; i < 60; i++) {
          const r = await chained(ctx);
          if (r.pass || !/replica-1|slave/.test(r.actual)) return r;
          if (r.pass) return r;
          await new Promise((res) => setTimeout(res, 50));
        }
        return chained(ctx);
      },
      hints: ['REPLICAOF on replica-2', 'REPLICAOF host port'],
      // Ports are known only once the lab runs: {port:NAME} is filled in like {ns}.
      solution: ['REPLICAOF 127.0.0.1 {port:replica-1}'],
      wrong: [['REPLICAOF NO ONE']],
    },
    {
      id: 'two-nodes',
      kind: 'exercise',
      title: 'from the primary',
      text: 'Starting on the primary, make replica-2 replicate from replica-1.',
      points: 1,
      setup: bothOnPrimary,
      check: async (ctx) => {
        for (let i = 0; i < 60; i++) {
          const r = await chained(ctx);
          if (r.pass) return r;
          await new Promise((res) => setTimeout(res, 50));
        }
        return chained(ctx);
      },
      hints: [':node moves the prompt', 'REPLICAOF host port'],
      // A solution moves the prompt as a learner would.
      solution: [':node replica-2', 'REPLICAOF 127.0.0.1 {port:replica-1}'],
      wrong: [[':node replica-1', 'REPLICAOF 127.0.0.1 {port:replica-2}']],
    },
  ],
};

let session: LabLessonSession;

beforeAll(async () => {
  session = await openLabLesson('replication', { namespace: 'labeng:' });
}, 60_000);

afterAll(async () => {
  await session?.close();
});

describe('a lab lesson', () => {
  it('refuses to run without its lab', async () => {
    const sb = await openPrivateSandbox('labeng:');
    try {
      await expect(runLesson(lesson, sb, { mode: 'auto', out: () => {} })).rejects.toThrow(/replication lab/);
    } finally {
      await sb.close();
    }
  });

  it('runs on the lab: commands print with their node, the exercise is typed at its node, verify restores the topology', async () => {
    const lines: string[] = [];
    const result = await runLesson(lesson, session.sb, {
      mode: 'auto',
      verify: true,
      out: (l) => lines.push(l),
      lab: session.lessonLab,
    });
    const text = lines.join('\n');
    expect(text).toMatch(/\[primary\] SET labeng:lab-engine:a 1/);
    const ex = result.steps.find((s) => s.id === 'chain')!;
    expect(ex.passedBeforeSolution).toBe(false);
    expect(ex.wrongAttempts?.map((w) => w.passed)).toEqual([false]);
    expect(ex.passed).toBe(true);
    expect(result.score).toBe(result.maxScore);
    const two = result.steps.find((s) => s.id === 'two-nodes')!;
    expect([two.passedBeforeSolution, two.wrongAttempts?.[0]?.passed, two.passed]).toEqual([false, false, true]);
    expect(text).toMatch(/:node replica-2 {2}\(your commands now go to replica-2\)/);
    // The learner's REPLICAOF went to replica-2, not to the primary.
    const primary = await adminInfo(session.lab.node('primary').port, 'replication');
    expect(primary.role).toBe('master');
    expect(ex.commands.some((c) => c.command.startsWith('REPLICAOF'))).toBe(true);
  }, 60_000);

  it('refuses what would reach outside the lab or break the prompt, and allows what changes only the lab', async () => {
    const sb = session.sb;
    sb.lab!.target = sb.lab!.home;
    const run = (line: string) => runLearnerCommand(sb, line, { scope: 'lab-engine' });
    const outside = await run('REPLICAOF 127.0.0.1 6379');
    expect(outside).toMatchObject({ status: 'refused' });
    expect((outside as { reason: string }).reason).toMatch(/not a node of this lab|only the lab's own nodes/);
    expect(await run('MIGRATE 127.0.0.1 6379 k 0 1000')).toMatchObject({ status: 'refused' });
    expect(await run('CONFIG SET dir /tmp')).toMatchObject({ status: 'refused' });
    expect(await run('SHUTDOWN NOSAVE')).toMatchObject({ status: 'refused' });
    expect(await run('MONITOR')).toMatchObject({ status: 'refused' });
    // The whole node is the learner's: no namespace fence, no confirmation.
    const set = await run('SET anywhere 1');
    expect(set).toMatchObject({ status: 'ran' });
    expect(await sb.admin.get('anywhere')).toBe('1');
    expect(await run('CONFIG SET maxmemory-policy allkeys-lru')).toMatchObject({ status: 'ran' });
    await endLearnerTurn(sb);
  });

  it('keeps MULTI on the node it was opened on, and a killed node answers with an error line', async () => {
    const sb = session.sb;
    const link = sb.lab!;
    link.target = 'primary';
    const run = (line: string) => runLearnerCommand(sb, line, { scope: 'lab-engine' });
    await run('MULTI');
    link.target = 'replica-1';
    const queued = await run('SET labeng:tx 1');
    expect(queued.status === 'ran' && queued.record.reply).toBe('QUEUED');
    const exec = await run('EXEC');
    expect(exec.status === 'ran' && exec.record.reply).toEqual(['OK']);
    expect(await sb.admin.get('labeng:tx')).toBe('1');

    await session.lab.kill('replica-1');
    const down = await run('PING');
    expect(down.status).toBe('ran');
    expect(down.status === 'ran' && down.record.error).toMatch(/did not answer.*down or paused/);
    await session.lab.restart('replica-1');
    let answer: unknown = null;
    for (let i = 0; i < 40 && answer !== 'PONG'; i++) {
      const r = await run('PING');
      answer = r.status === 'ran' ? r.record.reply : null;
      if (answer !== 'PONG') await new Promise((res) => setTimeout(res, 100));
    }
    expect(answer).toBe('PONG');
    link.target = link.home;
  }, 30_000);
});
