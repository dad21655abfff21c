// The security lesson on its own single-node lab: --auto with verify scores full marks and proves every exercise; the
// figures it prints come from this run (protected mode refusing 127.0.0.2, guesses per second and the ACL LOG count,
// the secret read off the wire in plaintext and never through TLS, scripts fenced by ACL); its checks refuse the
// mistakes they teach against, judged by logging in as the users; the lesson's connections survive a default-user
// password, and a learner who locks the default user out of ACL is undone by the next setup (a node restart).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type OwnedContext } from '../src/engine/context.js';
import { attemptExercise } from '../src/engine/exercise.js';
import { runLesson } from '../src/engine/runner.js';
import type { ExerciseStep } from '../src/engine/types.js';
import { openLabLesson, type LabLessonSession } from '../src/lab/lesson-session.js';
import { securityLesson } from '../src/lessons/security/index.js';
import { DEFAULT_LINE } from '../src/lessons/security/lib/baseline.js';
import { loopbackAliasWorks } from '../src/lessons/security/lib/raw-client.js';
import { GUESSES, SECRET_VALUE } from '../src/lessons/security/shared.js';

const NS = 'securityt:';
let session: LabLessonSession;
let ctx: OwnedContext;
let pids: number[] = [];
let result: Awaited<ReturnType<typeof runLesson>>;
let out = '';

const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

beforeAll(async () => {
  session = await openLabLesson('single', { namespace: NS });
  pids = session.lab.nodes.map((n) => n.pid).filter((p): p is number => p !== null);
  ctx = createContext(session.sb, { scope: securityLesson.id, write: () => {}, lab: session.lessonLab });
  const lines: string[] = [];
  result = await runLesson(securityLesson, session.sb, {
    mode: 'auto',
    verify: true,
    out: (l) => lines.push(plain(l).replace(/\n\s*/g, ' ')),
    lab: session.lessonLab,
  });
  out = lines.join('\n');
}, 90_000);

afterAll(async () => {
  await ctx?.dispose();
  await session?.close();
  // Every node the lab started is gone.
  const alive = [...pids, ...session.lab.nodes.map((n) => n.pid).filter((p): p is number => p !== null)].filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
  expect(alive).toEqual([]);
});

function exercise(id: string): ExerciseStep {
  const step = securityLesson.steps.find((s) => s.id === id);
  if (step?.kind !== 'exercise') throw new Error(`no exercise ${id}`);
  return step;
}

function attempt(id: string, lines: string[]) {
  return attemptExercise(exercise(id), { sb: session.sb, ctx, scope: securityLesson.id }, lines);
}

describe('--auto with verify', () => {
  it('scores full marks; every exercise fails at its start and for each wrong attempt, and passes with its solution', () => {
    const exercises = result.steps.filter((s) => s.kind === 'exercise');
    expect(exercises.map((e) => e.id)).toEqual([
      'report-reader',
      'no-dangerous',
      'cache-worker',
      'audit-selector',
      'default-password',
      'fence-scripts',
      'mutual-tls',
    ]);
    for (const ex of exercises) {
      expect({ id: ex.id, start: ex.passedBeforeSolution, passed: ex.passed }).toEqual({ id: ex.id, start: false, passed: true });
      expect(ex.wrongAttempts?.length).toBeGreaterThan(0);
      for (const w of ex.wrongAttempts ?? []) expect({ id: ex.id, wrong: w.attempt, passed: w.passed }).toMatchObject({ passed: false });
    }
    expect(result.score).toBe(result.maxScore);
    expect(result.maxScore).toBe(17);
  });
});

describe('the figures come from this run', () => {
  it('protected mode: every anonymous client from 127.0.0.2 is DENIED; with it off, one reads the secret', async () => {
    if (!(await loopbackAliasWorks())) return;
    expect(out).toContain('10 of 10 anonymous connections from 127.0.0.2 were refused with DENIED');
    expect(out).toContain('the same client read the database password');
    expect(out).toMatch(/127\.0\.0\.2\s+│ protected-mode no\s+│ PONG · pg-Xk29-prod/);
  });

  it('categories: +@all with a narrow key pattern still allows FLUSHALL and CONFIG SET; -@dangerous stops them', () => {
    expect(out).toContain('2 of 3 went through');
    expect(out).toContain('-@dangerous stopped 3 of 3');
    expect(out).toMatch(/@dangerous holds \d{2,} commands/);
  });

  it('brute force: thousands of guesses a second on one connection, one ACL LOG entry with their count', () => {
    const m = /(\d[\d,]*) refused \(WRONGPASS\) in (\d+) ms, about ([\d,]+) guesses a second/.exec(out);
    expect(m).not.toBeNull();
    expect(Number(m![1]!.replace(/,/g, ''))).toBe(GUESSES);
    expect(Number(m![3]!.replace(/,/g, ''))).toBeGreaterThan(1000);
    expect(out).toContain(`reason auth, user victim, count ${GUESSES}`);
  });

  it('scripts: as the default user a script reads an undeclared key; fenced by ACL, never', () => {
    expect(out).toMatch(new RegExp(`returned ${SECRET_VALUE}, the database password`));
    expect(out).toContain('reports-only reached the secret 0 times out of 3 tries');
    expect(out).toMatch(/toplevel \(securityt:security:secret:db\), lua \(securityt:security:secret:db\)/);
  });

  it('TLS: the tap reads the secret in plaintext and never through TLS; plaintext on the TLS port fails', () => {
    const m = /read the database password (\d+) time\(s\) in (\d+) plaintext bytes, and (\d+) times in (\d+) TLS bytes/.exec(out);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(1);
    expect(Number(m![3])).toBe(0);
    expect(Number(m![4])).toBeGreaterThan(Number(m![2]));
    expect(out).toContain('Plaintext on the TLS port failed');
  });
});

describe('checks refuse the mistakes, judged as the user', () => {
  it('report-reader: +@all lets KEYS through; ~* lets GET reach the secret; without on nobody logs in', async () => {
    const all = await attempt('report-reader', ['ACL SETUSER report-reader on >r3ad-only-9d0e ~{ns}security:report:* +@all']);
    expect(all.pass).toBe(false);
    expect(all.actual).toMatch(/KEYS \* → .*it went through/);
    const every = await attempt('report-reader', ['ACL SETUSER report-reader on >r3ad-only-9d0e ~* +get']);
    expect(every.actual).toContain('WRONGTYPE: the ACL let it reach the key');
    const off = await attempt('report-reader', ['ACL SETUSER report-reader >r3ad-only-9d0e ~{ns}security:report:* +get']);
    expect(off.actual).toContain('cannot log in');
  });

  it('default-password: protected-mode no is refused; the lesson keeps working after the default user gets a password', async () => {
    const open = await attempt('default-password', ['CONFIG SET protected-mode no']);
    expect(open.pass).toBe(false);
    expect(open.actual).toContain('protected-mode is no');
    const ok = await attempt('default-password', ['ACL SETUSER default >lab-default-s3cret']);
    expect(ok.pass).toBe(true);
    // Connections made before the change stay logged in; the next setup puts the default user back.
    expect(await session.sb.admin.ping()).toBe('PONG');
    await attempt('report-reader', []);
    const list = (await session.sb.admin.call('ACL', 'LIST')) as string[];
    expect(list).toEqual([DEFAULT_LINE]);
  });

  it('fence-scripts: a pattern next to ~* changes nothing, and the script still returns the secret', async () => {
    const r = await attempt('fence-scripts', ['ACL SETUSER analytics ~{ns}security:report:*']);
    expect(r.pass).toBe(false);
    expect(r.actual).toContain(SECRET_VALUE);
  });

  it('a learner who takes ACL away from the default user is undone by the next setup, through a restart', async () => {
    const before = session.lab.node('node').pid;
    const locked = await attempt('report-reader', ['ACL SETUSER default -@all +get']);
    expect(locked.actual).toContain("the lesson's own connection (user default) was refused");
    expect(await session.sb.admin.call('ACL', 'LIST').catch((e: Error) => e.message)).toMatch(/NOPERM/);
    await attempt('report-reader', []);
    const after = session.lab.node('node').pid;
    expect(after).not.toBe(before);
    if (after !== null) pids.push(after);
    expect(await session.sb.admin.call('ACL', 'LIST')).toEqual([DEFAULT_LINE]);
    expect(await session.sb.admin.get(`${NS}security:report:q1`)).toBe('revenue 4.2M');
  }, 30_000);
});
