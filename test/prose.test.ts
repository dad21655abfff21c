// Lesson prose in Markdown: the format's rules, the join with the steps, and how it looks in a terminal.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/engine/markdown.js';
import { defineLesson, fillVars, parseProse } from '../src/engine/prose.js';
import { stripSgr } from '../src/ui/theme.js';

function mdFile(text: string): URL {
  const dir = mkdtempSync(join(tmpdir(), 'redis-learn-prose-'));
  const path = join(dir, 'lesson.md');
  writeFileSync(path, text);
  return pathToFileURL(path);
}

const BOOK = `# A tiny lesson

Why this lesson exists.

## \`intro\` What a key is

A key maps to a value.

### A sub-heading stays in its section

\`\`\`
## not a heading inside a fence
SET {ns}a 1
\`\`\`

## \`ex\` Count {n} things

Make \`{ns}a\` hold {n}. Hash tags like {user:1} stay as written.
`;

describe('parseProse', () => {
  it('reads the title, the intro and one section per step heading; fences and deeper headings stay inside', () => {
    const book = parseProse(BOOK);
    expect(book.title).toBe('A tiny lesson');
    expect(book.intro).toBe('Why this lesson exists.');
    expect(book.sections.map((s) => [s.id, s.title])).toEqual([
      ['intro', 'What a key is'],
      ['ex', 'Count {n} things'],
    ]);
    expect(book.sections[0]!.body).toMatch(/### A sub-heading[\s\S]*## not a heading inside a fence/);
  });

  it('refuses a step heading without its id, a repeated id, and a file without a title', () => {
    expect(() => parseProse('# T\n\n## Just a title\n', 'x.md')).toThrow(/x\.md:3: a step heading is written/);
    expect(() => parseProse('# T\n\n## `a` One\n\n## `a` Two\n', 'x.md')).toThrow(/step "a" has two sections/);
    expect(() => parseProse('## `a` One\n', 'x.md')).toThrow(/first line must be the lesson's title/);
  });
});

describe('defineLesson', () => {
  const base = { id: 'tiny', level: 'Beginner' as const, minutes: 1, summary: 's', keys: ['a'] };

  it('joins each step to its section: title and text from the Markdown, {vars} filled, other braces kept', () => {
    const lesson = defineLesson({
      ...base,
      prose: mdFile(BOOK),
      vars: { n: 3 },
      steps: [
        { id: 'intro', kind: 'explain' },
        {
          id: 'ex',
          kind: 'exercise',
          points: 1,
          check: () => Promise.resolve({ pass: true, expected: '', actual: '' }),
          hints: ['a', 'b'],
          solution: ['SET {ns}a 3'],
          wrong: [['SET {ns}a 2']],
        },
      ],
    });
    expect(lesson.title).toBe('A tiny lesson');
    expect(lesson.intro).toBe('Why this lesson exists.');
    expect(lesson.steps.map((s) => s.title)).toEqual(['What a key is', 'Count 3 things']);
    expect(lesson.steps[1]!.text).toBe('Make `{ns}a` hold 3. Hash tags like {user:1} stay as written.');
  });

  it('refuses steps without prose and prose without a step, naming them', () => {
    expect(() => defineLesson({ ...base, prose: mdFile(BOOK), steps: [{ id: 'intro', kind: 'explain' }] })).toThrow(
      /prose without a step: ex/,
    );
    expect(() =>
      defineLesson({
        ...base,
        prose: mdFile(BOOK),
        steps: [
          { id: 'intro', kind: 'explain' },
          { id: 'ex', kind: 'explain' },
          { id: 'later', kind: 'explain' },
        ],
      }),
    ).toThrow(/steps without prose: later/);
  });

  it('fills only the names it is given', () => {
    expect(fillVars('{a} {b} {ns} {"json": 1}', { a: 1 })).toBe('1 {b} {ns} {"json": 1}');
  });
});

describe('renderMarkdown', () => {
  const md = [
    'Paragraph text that is long enough to be reflowed onto a second line when the screen is only forty columns wide.',
    '',
    '- `EX seconds`: expire, with **bold** and *emphasis*',
    '- patterns like `learn:*` keep their star',
    '',
    '1. first',
    '2. second',
    '',
    '```',
    'SET learn:x 1 EX 60',
    '```',
    '',
    '| option | meaning |',
    '|---|---|',
    '| NX | only if absent |',
  ].join('\n');

  it('reflows paragraphs to the width, keeps inline code and list items whole, indents code, draws tables', () => {
    const out = stripSgr(renderMarkdown(md, 40));
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(40);
    expect(out).toMatch(/^Paragraph text that is long enough to be\nreflowed/);
    expect(out).toContain('  • EX seconds: expire, with bold and');
    expect(out).toContain('learn:*');
    expect(out).not.toContain('`');
    expect(out).toMatch(/ {2}1\. first\n {2}2\. second/);
    expect(out).toContain('  SET learn:x 1 EX 60');
    expect(out).toMatch(/│ NX\s+│ only if absent │/);
  });

  it("wraps a prose table's long cells instead of cutting them", () => {
    const out = stripSgr(
      renderMarkdown(
        '| key | holds |\n|---|---|\n| `learn:session:<id>` | who is logged in, the last page they saw and when they arrived |',
        40,
      ),
    );
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(40);
    expect(out).not.toContain('…');
    expect(out.replace(/[│\s]+/g, ' ')).toContain('who is logged in, the last page they');
  });

  it('never splits inline code across lines', () => {
    const out = stripSgr(renderMarkdown('Read the whole list with `LRANGE learn:feed 0 -1` and then trim it.', 30));
    expect(out.split('\n').some((l) => l.includes('LRANGE learn:feed 0 -1'))).toBe(true);
    expect(out).not.toContain('\u2007');
  });

  it('colours inline code and emphasis only when colour is on', async () => {
    const { setColor } = await import('../src/ui/theme.js');
    setColor(true);
    try {
      expect(renderMarkdown('a `SET` b **c**', 40)).toMatch(/\x1b\[36mSET\x1b\[39m.*\x1b\[1mc\x1b\[22m/);
    } finally {
      setColor(false);
    }
    expect(renderMarkdown('a `SET` b **c**', 40)).toBe('a SET b c');
  });
});
