// Lesson prose lives in Markdown next to the lesson's steps: one `## \`step-id\` Title` section per step, readable on
// GitHub as a course book and rendered in the terminal (marked + marked-terminal) when the step runs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Lesson, RaceStep, Step } from './types.js';

export interface ProseSection {
  /** The step id, from the heading's code span. */
  id: string;
  /** The heading's text after the id: the step's title. */
  title: string;
  /** The Markdown below the heading, trimmed. */
  body: string;
}

export interface ProseBook {
  /** The `# ` heading: the lesson's title. */
  title: string;
  /** The text between the title and the first step: the lesson's introduction (may be empty). */
  intro: string;
  sections: ProseSection[];
}

const STEP_HEADING = /^## `([a-z0-9][a-z0-9-]*)`\s+(.+?)\s*$/;

/**
 * Splits a lesson's Markdown into its sections. A `## ` heading must name its step as `` ## `step-id` Title ``;
 * headings of level 3 and below belong to the section they are in. Throws on a malformed heading or a repeated id.
 */
export function parseProse(markdown: string, source = 'lesson prose'): ProseBook {
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  let title = '';
  const intro: string[] = [];
  const sections: ProseSection[] = [];
  type Open = { id: string; title: string; lines: string[] };
  let current = null as Open | null;
  let fence = false;
  const close = () => {
    if (current) sections.push({ id: current.id, title: current.title, body: current.lines.join('\n').trim() });
  };
  for (const [i, line] of lines.entries()) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    if (!fence && /^# /.test(line) && !title && !current) {
      title = line.slice(2).trim();
      continue;
    }
    if (!fence && /^## /.test(line)) {
      const m = STEP_HEADING.exec(line);
      if (!m) throw new Error(`${source}:${i + 1}: a step heading is written ## \`step-id\` Title, found: ${line}`);
      if (sections.some((s) => s.id === m[1]) || current?.id === m[1])
        throw new Error(`${source}:${i + 1}: step "${m[1]}" has two sections`);
      close();
      current = { id: m[1]!, title: m[2]!, lines: [] };
      continue;
    }
    if (current) current.lines.push(line);
    else intro.push(line);
  }
  close();
  if (!title) throw new Error(`${source}: the first line must be the lesson's title (# Title)`);
  return { title, intro: intro.join('\n').trim(), sections };
}

/** Reads a lesson's Markdown file (a URL next to the lesson's module: new URL('./lesson.md', import.meta.url)). */
export function loadProse(url: URL): ProseBook {
  return parseProse(readFileSync(url, 'utf8'), fileURLToPath(url).split('/').slice(-2).join('/'));
}

/** A step as a lesson's code declares it: behaviour only; its title and text come from the Markdown. */
export type StepSpec = Step extends infer S ? (S extends Step ? Omit<S, 'title' | 'text'> : never) : never;

/** A race step as a lesson declares it, with its own state type (what `state()` makes for each variant). */
export type RaceSpec<S> = Omit<RaceStep<S>, 'title' | 'text'>;

export interface LessonSpec extends Omit<Lesson, 'steps' | 'title'> {
  /** The lesson's Markdown: its `# ` title and one section per step. */
  prose: URL;
  /** Values for `{name}` placeholders in the prose (e.g. a race's client count); `{ns}` is the namespace, filled at run time. */
  vars?: Record<string, string | number>;
  steps: StepSpec[];
}

/** Fills `{name}` for the names in `vars` only: other braces (JSON, Lua tables, cluster hash tags) stay as written. */
export function fillVars(text: string, vars: Record<string, string | number> = {}): string {
  return text.replace(/\{([a-zA-Z][\w-]*)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/**
 * A lesson from its steps and its Markdown: every step gets its section's title and text. Throws if a step has no
 * section or a section no step, so a lesson whose prose and steps disagree never loads (the generic test loads all).
 */
export function defineLesson(spec: LessonSpec): Lesson {
  const { prose, vars, steps, ...meta } = spec;
  const book = loadProse(prose);
  const byId = new Map(book.sections.map((s) => [s.id, s]));
  const ids = new Set(steps.map((s) => s.id));
  const missing = steps.filter((s) => !byId.has(s.id)).map((s) => s.id);
  const orphans = book.sections.filter((s) => !ids.has(s.id)).map((s) => s.id);
  if (missing.length || orphans.length) {
    throw new Error(
      `lesson "${meta.id}": ${[
        missing.length ? `steps without prose: ${missing.join(', ')}` : '',
        orphans.length ? `prose without a step: ${orphans.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ')}`,
    );
  }
  return {
    ...meta,
    title: book.title,
    proseFile: fileURLToPath(prose),
    intro: book.intro ? fillVars(book.intro, vars) : undefined,
    steps: steps.map((s) => {
      const sec = byId.get(s.id)!;
      return { ...s, title: fillVars(sec.title, vars), text: fillVars(sec.body, vars) } as Step;
    }),
  };
}
