// The library's boundaries: lessons import only its public entry, it imports nothing of the CLI, prints nothing,
// exports no naive version, and every file is named by a pattern, not by a lesson.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';
import * as library from '../../src/patterns/index.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);

const LESSON_IDS = readdirSync(join(ROOT, 'src', 'lessons'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

describe('src/patterns', () => {
  const files = filesUnder(join(ROOT, 'src', 'patterns'));

  it('has no lesson-named file', () => {
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      const name = relative(join(ROOT, 'src', 'patterns'), f);
      for (const id of LESSON_IDS) expect(name.startsWith(`${id}-`) || name.startsWith(`${id}/`), name).toBe(false);
    }
  });

  it('imports only ioredis, node built-ins and itself, and never prints', () => {
    for (const f of files) {
      for (const spec of importsOf(f)) {
        const ok = spec === 'ioredis' || spec.startsWith('node:') || spec.startsWith('.');
        expect(ok, `${relative(ROOT, f)} imports ${spec}`).toBe(true);
        if (spec.startsWith('.'))
          expect(join(f, '..', spec).startsWith(join(ROOT, 'src', 'patterns')), `${relative(ROOT, f)} imports ${spec}`).toBe(true);
      }
      const text = readFileSync(f, 'utf8');
      expect(/\bconsole\.|process\.(stdout|stderr)|process\.exit/.test(text), `${relative(ROOT, f)} prints or exits`).toBe(false);
      expect(/\.eval\(|'EVAL'/.test(text), `${relative(ROOT, f)} sends raw EVAL (use defineScript)`).toBe(false);
    }
  });

  it('exports no naive version', () => {
    const names = Object.keys(library);
    expect(names).toContain('acquireLock');
    expect(names.filter((n) => /naive/i.test(n))).toEqual([]);
  });
});

describe('lessons', () => {
  it('import patterns only from the public entry', () => {
    for (const f of filesUnder(join(ROOT, 'src', 'lessons'))) {
      for (const spec of importsOf(f)) {
        const target = join(f, '..', spec);
        if (!target.startsWith(join(ROOT, 'src', 'patterns'))) continue;
        expect(relative(join(ROOT, 'src'), target), `${relative(ROOT, f)} imports ${spec}`).toBe(join('patterns', 'index.js'));
      }
    }
  });
});
