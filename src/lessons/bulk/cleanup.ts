// The bulk lesson's removals: one user and its index entries in one transaction, then every key the lesson wrote,
// by name, in short pipelined UNLINKs.
import { all, custom, notExists } from '../../engine/checks.js';
import { count, expanded } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import { scanKeys, unlinkKeys, type UnlinkStats } from '../../patterns/index.js';
import {
  ageIndexKey,
  allIndexKeys,
  cityIndexKey,
  deptIndexKey,
  indexCardinality,
  queueIndexWrites,
  salaryIndexKey,
  userKey,
} from './lib/indexes.js';
import { BUCKET_SIZE } from './lib/memory-layout.js';
import { userToHash } from './lib/users.js';
import { DEMO_KEY, LAYOUT_SAMPLE, LEAVER, RESULT_KEYS, fmt, ms, runState } from './shared.js';

/** Every key the lesson may have written, by name: cleanup removes these and nothing else. */
function* loadedKeyNames(ns: string, records: number): Generator<string> {
  for (let id = 0; id <= records; id++) yield userKey(ns, id);
  yield* allIndexKeys(ns);
  const sample = Math.min(LAYOUT_SAMPLE, records);
  for (let id = 1; id <= sample; id++) {
    yield `${ns}mem:hash:${id}`;
    yield `${ns}mem:json:${id}`;
  }
  for (let b = 0; b <= Math.floor(sample / BUCKET_SIZE); b++) yield `${ns}mem:bucket:${b}`;
  for (const k of RESULT_KEYS) yield ns + k;
  yield ns + DEMO_KEY;
}

/** `stepNumber(id)`: a step's 1-based position in the lesson, for the "start over with --step N" advice. */
export function cleanupSteps(stepNumber: (id: string) => number): StepSpec[] {
  return [
    {
      id: 'leaver',
      kind: 'exercise',
      points: 3,
      async setup(ctx) {
        const ns = ctx.sb.ns;
        // The leaver's own city and department indexes are claimed by name: the leaver need not live where the generated users do.
        await ctx.claim([userKey(ns, LEAVER.id), ...allIndexKeys(ns), cityIndexKey(ns, LEAVER.city), deptIndexKey(ns, LEAVER.department)]);
        const m = ctx.unrecorded.multi();
        m.hset(userKey(ns, LEAVER.id), userToHash(LEAVER));
        queueIndexWrites(m, ns, LEAVER);
        await m.exec();
      },
      check: expanded(
        all(
          custom('the removals sent inside MULTI … EXEC', (ctx) =>
            Promise.resolve().then(() => {
              const names = ctx.history.map((c) => String(c.args[0]).toUpperCase());
              const opened = names.lastIndexOf('MULTI');
              const closed = Math.max(names.lastIndexOf('EXEC'), names.lastIndexOf('DISCARD'));
              if (opened > closed) {
                return { pass: false, actual: `transaction open, ${names.length - opened - 1} queued: EXEC runs them` };
              }
              // A transaction that actually carried the delete of the user, not an empty MULTI/EXEC afterwards.
              const userKeyName = userKey(ctx.sb.ns, LEAVER.id);
              for (let i = 0; i < names.length; i++) {
                if (names[i] !== 'EXEC' || !Array.isArray(ctx.history[i]!.reply)) continue;
                const start = names.lastIndexOf('MULTI', i);
                const body = ctx.history.slice(start + 1, i);
                if (start >= 0 && body.some((c) => c.keys.includes(userKeyName))) {
                  return { pass: true, actual: `EXEC ran ${count(body.length, 'command')} as one` };
                }
              }
              const restart = ` (to start over: redis-learn lesson bulk --step ${stepNumber('leaver')})`;
              const why = !names.length
                ? ''
                : !names.includes('MULTI')
                  ? 'the commands ran one by one, so a reader could see half a user in between: '
                  : names.lastIndexOf('DISCARD') > names.lastIndexOf('EXEC')
                    ? 'DISCARD threw the queued commands away: '
                    : '';
              return {
                pass: false,
                actual: `${why}you sent ${names.join(', ') || 'nothing yet'} — no MULTI … EXEC that deletes ${userKeyName}${names.length ? restart : ''}`,
              };
            }),
          ),
          notExists('user:0'),
          custom('id 0 in no index, every other entry still there', async (ctx) => {
            const ns = ctx.sb.ns;
            const p = ctx.unrecorded.pipeline();
            p.sismember(cityIndexKey(ns, LEAVER.city), '0');
            p.sismember(deptIndexKey(ns, LEAVER.department), '0');
            p.zscore(salaryIndexKey(ns), '0');
            p.zscore(ageIndexKey(ns), '0');
            const [inCity, inDept, sal, age] = ((await p.exec()) ?? []).map((r) => r[1]);
            const left = [
              Number(inCity) ? 'idx:city:oslo' : '',
              Number(inDept) ? 'idx:dept:legal' : '',
              sal !== null ? 'idx:salary' : '',
              age !== null ? 'idx:age' : '',
            ].filter(Boolean);
            if (left.length) return { pass: false, actual: `id 0 is still in ${left.join(', ')}` };
            const c = await indexCardinality(ctx.unrecorded, ns);
            const ok = c.cities === c.departments && c.departments === c.salary && c.salary === c.age && c.age > 0;
            if (ok) return { pass: true, actual: `id 0 is in no index; ${count(c.age, 'user')} indexed everywhere` };
            const most = Math.max(c.cities, c.departments, c.salary, c.age);
            const lost = (
              [
                ['the city sets', c.cities],
                ['the department sets', c.departments],
                ['the salary index', c.salary],
                ['the age index', c.age],
              ] as const
            )
              .filter(([, n]) => n < most)
              .map(([name, n]) => `${name} lost ${count(most - n, 'other user')}`);
            return {
              pass: false,
              actual:
                `indexes disagree: ${fmt(c.cities)} in city sets, ${fmt(c.departments)} in department sets, ${fmt(c.salary)} salaries, ${fmt(c.age)} ages` +
                ` — ${lost.join(', ')}: SREM and ZREM take one member out, UNLINK of an index drops everyone in it`,
            };
          }),
        ),
      ),
      hints: [
        'Start with MULTI: the commands after it are queued and run back to back, with nobody else in between, at EXEC.',
        'MULTI · UNLINK the hash · SREM from both sets · ZREM from both sorted sets · EXEC',
      ],
      solution: [
        'MULTI',
        'UNLINK {ns}user:0',
        'SREM {ns}idx:city:oslo 0',
        'SREM {ns}idx:dept:legal 0',
        'ZREM {ns}idx:salary 0',
        'ZREM {ns}idx:age 0',
        'EXEC',
      ],
      wrong: [
        // The right removals one by one: between them a reader sees a user missing from some indexes and not others.
        ['UNLINK {ns}user:0', 'SREM {ns}idx:city:oslo 0', 'SREM {ns}idx:dept:legal 0', 'ZREM {ns}idx:salary 0', 'ZREM {ns}idx:age 0'],
        // Atomic, but the city index goes with its other members.
        [
          'MULTI',
          'UNLINK {ns}user:0',
          'UNLINK {ns}idx:city:oslo',
          'SREM {ns}idx:dept:legal 0',
          'ZREM {ns}idx:salary 0',
          'ZREM {ns}idx:age 0',
          'EXEC',
        ],
        // Opened, then thrown away: DISCARD runs nothing.
        [
          'MULTI',
          'UNLINK {ns}user:0',
          'SREM {ns}idx:city:oslo 0',
          'SREM {ns}idx:dept:legal 0',
          'ZREM {ns}idx:salary 0',
          'ZREM {ns}idx:age 0',
          'DISCARD',
        ],
      ],
    },
    {
      id: 'cleanup',
      kind: 'code',
      async run(ctx) {
        const st = runState(ctx);
        const ns = ctx.sb.ns;
        const keys = [...loadedKeyNames(ns, st.records)];
        const existing = await (async () => {
          let n = 0;
          for (let i = 0; i < keys.length; i += 1000) n += await ctx.unrecorded.exists(...keys.slice(i, i + 1000));
          return n;
        })();
        const bar = await ctx.progress(keys.length, 'UNLINK');
        let sent = 0;
        let s: UnlinkStats;
        const t0 = process.hrtime.bigint();
        try {
          s = await unlinkKeys(ctx.redis, keys, {
            perCommand: 100,
            perPipeline: 10,
            onProgress: (n) => {
              bar.tick(n - sent);
              sent = n;
            },
          });
        } finally {
          bar.stop();
        }
        const took = Number(process.hrtime.bigint() - t0) / 1e6;
        ctx.table(
          ['names sent', 'keys removed', 'UNLINK commands', 'round trips', 'time', 'keys/s'],
          [
            [
              fmt(s.requested),
              fmt(s.removed),
              fmt(s.commands),
              fmt(s.roundTrips),
              ms(took),
              fmt((s.removed * 1000) / Math.max(took, 0.001)),
            ],
          ],
        );
        const leftIdx = (await scanKeys(ctx.unrecorded, { match: `${ns}idx:*`, count: 1000 })).length;
        ctx.say(
          `${fmt(existing)} of the names existed and ${fmt(s.removed)} were removed; ${count(leftIdx, 'index key')} left under {ns}idx:*.`,
        );
      },
    },
  ];
}
