// The benchmark's numbers: percentiles and ratios, one result per run, the table, the chart and the JSON object.
import { renderTable, type ColumnSpec } from '../ui/table.js';
import { c, terminalWidth } from '../ui/theme.js';
import { barChart } from './chart.js';

export interface BenchResult {
  strategy: string;
  /** Records per batch; null when the strategy has no batches. */
  batch: number | null;
  records: number;
  seconds: number;
  recordsPerSec: number;
  commandsPerSec: number;
  p50Ms: number | null;
  p99Ms: number | null;
  clientCpuS: number;
  serverCpuS: number;
  /** used_memory growth per record; null when it could not be measured. */
  bytesPerRecord: number | null;
  verified: boolean;
  /** Why a run failed or did not verify. */
  error?: string;
}

export interface Ceiling {
  /** The redis-benchmark command line (no password). */
  command: string;
  setPerSec: number;
}

export interface BenchReport {
  workload: string;
  records: number;
  server: { version: string; private: boolean };
  results: BenchResult[];
  ceiling: Ceiling | null;
}

/** What the runner measured for one strategy. */
export interface Measurement {
  strategy: string;
  batch: number | null;
  records: number;
  commands: number;
  seconds: number;
  latenciesMs: number[];
  clientCpuS: number;
  serverCpuS: number;
  usedMemoryDelta: number | null;
  verified: boolean;
  error?: string;
}

/** Nearest-rank percentile (the value at rank ceil(p/100 · n) of the sorted sample); null for no sample. */
export function percentile(values: readonly number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function summarise(m: Measurement): BenchResult {
  const per = (x: number) => (m.seconds > 0 ? x / m.seconds : 0);
  const p50 = percentile(m.latenciesMs, 50);
  const p99 = percentile(m.latenciesMs, 99);
  const result: BenchResult = {
    strategy: m.strategy,
    batch: m.batch,
    records: m.records,
    seconds: round(m.seconds, 4),
    recordsPerSec: Math.round(per(m.records)),
    commandsPerSec: Math.round(per(m.commands)),
    p50Ms: p50 === null ? null : round(p50, 3),
    p99Ms: p99 === null ? null : round(p99, 3),
    clientCpuS: round(m.clientCpuS, 3),
    serverCpuS: round(m.serverCpuS, 3),
    bytesPerRecord: m.usedMemoryDelta === null || m.records === 0 ? null : Math.round(m.usedMemoryDelta / m.records),
    verified: m.verified,
  };
  if (m.error) result.error = m.error;
  return result;
}

/** How many times faster than the baseline; null without a usable baseline. */
export function speedUp(r: BenchResult, baseline: BenchResult | undefined): number | null {
  if (!baseline || !baseline.verified || baseline.recordsPerSec <= 0 || !r.verified) return null;
  return r.recordsPerSec / baseline.recordsPerSec;
}

/** A `set` strategy's keys per second as a share of redis-benchmark's SETs per second (0.5 = half). */
export function ceilingShare(r: BenchResult, ceiling: Ceiling | null): number | null {
  if (!ceiling || ceiling.setPerSec <= 0 || !r.verified) return null;
  return r.recordsPerSec / ceiling.setPerSec;
}

/** The fastest result that verified. */
export function best(results: readonly BenchResult[]): BenchResult | null {
  let top: BenchResult | null = null;
  for (const r of results) if (r.verified && (!top || r.recordsPerSec > top.recordsPerSec)) top = r;
  return top;
}

export function find(results: readonly BenchResult[], strategy: string, batch?: number): BenchResult | undefined {
  return results.find((r) => r.strategy === strategy && (batch === undefined || r.batch === batch));
}

export function label(r: Pick<BenchResult, 'strategy' | 'batch'>): string {
  return r.strategy === 'pipeline' && r.batch !== null ? `pipeline ${r.batch.toLocaleString('en-US')}` : r.strategy;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fixed = (n: number | null, d: number) => (n === null ? '—' : n.toFixed(d));

/**
 * How the table gives way on a narrow terminal (see renderTable): what a learner compares (strategy, rate, speed-up,
 * verified) stays; CPU, bytes, commands/s, p99, p50 and the ceiling share are hidden first, in that order.
 */
function benchColumns(showCeiling: boolean): ColumnSpec[] {
  return [
    { priority: 9, minWidth: 8 }, // strategy
    { priority: 8 }, // batch
    { priority: 9 }, // unit/s
    { priority: 2, drop: true }, // commands/s
    { priority: 5, drop: true }, // p50 ms
    { priority: 3, drop: true }, // p99 ms
    { priority: 0, drop: true }, // client CPU s
    { priority: 0, drop: true }, // server CPU s
    { priority: 8 }, // × sequential
    { priority: 1, drop: true }, // B/record
    ...(showCeiling ? [{ priority: 6, drop: true }] : []), // % ceiling
    { priority: 9 }, // verified
  ];
}

/** The table, the chart and the notes, fitted to `width` columns (default: the terminal's). */
export function renderReport(report: BenchReport, unit: string, width = terminalWidth()): string {
  const { results, ceiling } = report;
  const seq = find(results, 'sequential');
  const showCeiling = ceiling !== null && report.workload === 'set';
  const head = [
    'strategy',
    'batch',
    `${unit}/s`,
    'commands/s',
    'p50 ms',
    'p99 ms',
    'client CPU s',
    'server CPU s',
    '× sequential',
    'B/record',
    ...(showCeiling ? ['% ceiling'] : []),
    'verified',
  ];
  const rows = results.map((r) => {
    const up = speedUp(r, seq);
    const share = ceilingShare(r, ceiling);
    return [
      r.strategy,
      r.batch === null ? '—' : int(r.batch),
      r.error && !r.verified && r.seconds === 0 ? '—' : int(r.recordsPerSec),
      r.seconds === 0 ? '—' : int(r.commandsPerSec),
      fixed(r.p50Ms, 2),
      fixed(r.p99Ms, 2),
      r.seconds === 0 ? '—' : r.clientCpuS.toFixed(2),
      r.seconds === 0 ? '—' : r.serverCpuS.toFixed(2),
      up === null ? '—' : `${up.toFixed(1)}×`,
      r.bytesPerRecord === null ? '—' : int(r.bytesPerRecord),
      ...(showCeiling ? [share === null ? '—' : `${Math.round(share * 100)}%`] : []),
      r.verified ? c.green('✓') : c.red('✗'),
    ];
  });
  const align: ('left' | 'right')[] = head.map((_, i) => (i === 0 ? 'left' : 'right'));
  const lines = [
    renderTable(head, rows, { align, indent: 2, width, columns: benchColumns(showCeiling), noteHidden: '--json has every column' }),
  ];

  const bars = results
    .filter((r) => r.verified && r.recordsPerSec > 0)
    .map((r) => ({ label: label(r), value: r.recordsPerSec, text: `${int(r.recordsPerSec)} ${unit}/s` }));
  if (ceiling) {
    bars.push({ label: 'redis-benchmark', value: ceiling.setPerSec, text: `${int(ceiling.setPerSec)} SET/s (ceiling)` });
  }
  if (bars.length) {
    // The bars take what the labels and numbers leave, so no chart line is wider than the terminal.
    const labelWidth = Math.max(...bars.map((b) => b.label.length));
    const textWidth = Math.max(...bars.map((b) => b.text.length));
    const barWidth = Math.max(8, Math.min(40, width - 2 - labelWidth - 2 - textWidth));
    lines.push('', barChart(bars, barWidth));
  }
  if (ceiling) {
    lines.push('', c.dim(`  ceiling: ${int(ceiling.setPerSec)} SET/s on the same server, measured with`), c.dim(`    ${ceiling.command}`));
  }
  for (const r of results) {
    if (r.error) lines.push(`  ${c.red('✗')} ${label(r)}: ${r.error}`);
  }
  return lines.join('\n');
}
