// A race step: N concurrent clients run the naive and the correct version; the counts are shown side by side.
import { renderTable } from '../ui/table.js';
import { c, sym } from '../ui/theme.js';
import type { OwnedContext } from './context.js';
import { formatMs } from './render.js';
import type { RaceRow, StepResult } from './results.js';
import type { RaceStep } from './types.js';

export interface RaceRunOptions {
  ctx: OwnedContext;
  print: (line: string) => void;
}

export async function runRace(step: RaceStep, opts: RaceRunOptions): Promise<StepResult> {
  const { ctx: sctx, print } = opts;
  const result: StepResult = { id: step.id, kind: step.kind, title: step.title, passed: true, commands: [], totalCommands: 0 };
  const rows: RaceRow[] = [];
  const clients = await sctx.clients(step.clients);
  print('');
  for (const v of step.variants) {
    // Each variant gets fresh state from the step's factory: no module globals shared between runs.
    const state = step.state?.();
    await v.setup?.(sctx, state);
    const t0 = process.hrtime.bigint();
    await Promise.all(clients.map((cl, i) => v.worker(cl, i, sctx, state)));
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const m = await v.measure(sctx, state);
    rows.push({ label: v.label, atomic: v.atomic, expected: m.expected, actual: m.actual, unit: m.unit, ms });
  }
  result.race = rows;
  const oneUnit = rows.every((r) => r.unit === rows[0]?.unit) ? rows[0]?.unit : undefined;
  result.passed = rows.every((r) => !r.atomic || r.actual === r.expected);
  print(
    renderTable(
      // One unit for every row (the usual case) is named once, in the header, so the table fits 80 columns.
      oneUnit
        ? ['version', `${step.clients} clients`, `${oneUnit} expected`, 'counted', 'difference', 'time']
        : ['version', `${step.clients} clients`, 'expected', 'actual', 'difference', 'time'],
      rows.map((r) => {
        const diff = r.actual - r.expected;
        const unit = oneUnit ? '' : ` ${r.unit}`;
        const mark = diff === 0 ? c.green(`${sym.ok} exact`) : c.red(`${sym.fail} ${diff > 0 ? '+' : ''}${diff}${unit}`);
        return [r.label, r.atomic ? 'atomic' : 'naive', `${r.expected}${unit}`, `${r.actual}${unit}`, mark, formatMs(r.ms)];
      }),
      // The version's name and the counts matter most; "naive/atomic" and the time give way first on a narrow screen.
      {
        indent: 2,
        columns: [
          { priority: 3 },
          { priority: 0, drop: true },
          { priority: 2 },
          { priority: 2 },
          { priority: 2 },
          { priority: 1, drop: true },
        ],
      },
    ),
  );
  return result;
}
