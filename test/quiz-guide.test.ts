// REDIS_INTERVIEW_GUIDE.md is generated from the bank: the file in the repo must equal a fresh generation, and the
// generator renders every question kind the way the guide promises.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOPICS } from '../src/quiz/bank/index.js';
import { GUIDE_FILE, generateGuide } from '../src/quiz/guide.js';
import { FIXTURE_TOPICS } from './fixtures/quiz-topics.js';
import { ROOT } from './helpers.js';

describe('guide and bank are one source', () => {
  it(`${GUIDE_FILE} equals the guide generated from src/quiz/bank (run npm run guide after changing the bank)`, () => {
    const onDisk = readFileSync(join(ROOT, GUIDE_FILE), 'utf8');
    const fresh = generateGuide(TOPICS);
    // Compare line by line first so a failure names the first differing line instead of two huge strings.
    const a = onDisk.split('\n');
    const b = fresh.split('\n');
    const first = b.findIndex((line, i) => line !== a[i]);
    expect(first === -1 ? null : { line: first + 1, file: a[first], generated: b[first] }).toBeNull();
    expect(onDisk).toBe(fresh);
  });

  it('says where proof lines run when it is not the REPL, and keeps REPL lines in the namespace', () => {
    const guide = generateGuide(TOPICS);
    expect(guide).toContain('Try it in a shell (redis-cli and redis-benchmark come with redis-server):\n\n```sh\nredis-cli --latency');
    expect(guide).toContain('Try it against a Sentinel (redis-cli -p 26379):\n\n```redis\nSENTINEL CKQUORUM mymaster');
    expect(guide).toContain('Try it on a Redis Cluster (redis-cli -c):\n\n```redis\nCLUSTER KEYSLOT user:42');
    expect(guide).toContain('Try it:\n\n```redis\nSET learn:k v\nTTL learn:k');
  });

  it('lists every bank question in the guide', () => {
    const guide = generateGuide(TOPICS);
    for (const t of TOPICS) {
      expect(guide).toContain(`## ${TOPICS.indexOf(t) + 1}. ${t.title}`);
      for (const q of t.questions) expect(guide).toContain(`\`${q.id}\``);
    }
  });
});

describe('guide rendering', () => {
  const guide = generateGuide(FIXTURE_TOPICS);

  it('has a title, how to use it, and contents with counts per level', () => {
    expect(guide.startsWith('# Redis Interview Guide\n')).toBe(true);
    expect(guide).toContain('## How to use this guide');
    expect(guide).toContain('| 1 | [Alpha](#topic-alpha) | `alpha` | 3 | 2 | 1 | 0 |');
    expect(guide).toContain('| 2 | [Beta](#topic-beta) | `beta` | 3 | 0 | 2 | 1 |');
    expect(guide).toContain('| | **Total** | | **6** | 2 | 3 | 1 |');
    expect(guide).toContain('<a id="topic-alpha"></a>');
    expect(guide).toContain('A fixture topic about strings.');
  });

  it('marks correct options and says why each wrong one is wrong', () => {
    expect(guide).toContain('### 1.1 Which command sets a string?');
    expect(guide).toContain('*Beginner · multiple choice · Redis 7.0+ · Valkey 7.2+* · `alpha-choice-one`');
    expect(guide).toContain('1. ✅ **`SET`** — SET writes a string value.');
    expect(guide).toContain('2. ❌ `HSET` — *Wrong:* HSET writes a hash field.');
    expect(guide).toContain('*Several options are correct.*');
    expect(guide).toContain('**Answer: 1, 3.**');
  });

  it('shows command, predict and open answers, with runnable redis blocks', () => {
    expect(guide).toContain('**Reference answer:**\n\n```redis\nSET learn:visits 1 EX 60\n```');
    expect(guide).toContain('Starting state:\n\n```redis\nSET learn:n 5\n```');
    expect(guide).toContain('Commands:\n\n```redis\nINCR learn:n\nINCR learn:n\n```');
    expect(guide).toContain('**Reply of the last command:** `(integer) 7`');
    expect(guide).toContain('**Model answer.** Data lives in RAM');
    expect(guide).toContain('**Key points:**\n\n- In memory\n- One event loop');
    expect(guide).toContain('Try it:\n\n```redis\nSET k v\n```');
    expect(guide).not.toContain('{ns}');
  });
});
