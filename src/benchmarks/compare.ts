// `bench --servers`: which servers to run on, and the side-by-side table of one bench per server build.
import { ConnectionError, UsageError } from '../errors.js';
import { SERVER_NAMES, isServerName, notPreparedMessage, type ServerName, type ServerStatus } from '../redis/servers.js';
import { renderTable, type ColumnSpec } from '../ui/table.js';
import { c, terminalWidth } from '../ui/theme.js';
import { label, type BenchReport, type BenchResult } from './report.js';

/** One server's bench: the matrix name, what the server says it is, and the report a one-server bench prints as JSON. */
export interface ServerBench {
  name: ServerName;
  /** Redis or Valkey. */
  product: string;
  /** The server's own version (Valkey's, not the Redis version it claims for compatibility). */
  version: string;
  report: BenchReport;
}

/** The --json object of `bench --servers`. */
export interface ServersBenchReport {
  workload: string;
  records: number;
  servers: ServerBench[];
}

export interface ServerChoice {
  names: ServerName[];
  /** Servers `all` left out because they are not prepared. */
  skipped: ServerName[];
}

/**
 * The servers of `--servers a,b,c` (names as in SERVER_NAMES, `all` = every prepared one), in the order given,
 * without repeats. A name that is not prepared fails here, in one line, before any server starts.
 */
export function chooseServers(spec: string, statuses: readonly ServerStatus[]): ServerChoice {
  const words = spec
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);
  if (!words.length) throw new UsageError(`--servers needs server names: ${SERVER_NAMES.join(', ')} or all`);
  const ready = (n: ServerName) => statuses.find((s) => s.name === n)?.available ?? false;
  const names: ServerName[] = [];
  const skipped: ServerName[] = [];
  for (const w of words) {
    if (w === 'all') {
      for (const n of SERVER_NAMES) {
        if (ready(n)) {
          if (!names.includes(n)) names.push(n);
        } else if (!skipped.includes(n)) skipped.push(n);
      }
      continue;
    }
    if (!isServerName(w)) throw new UsageError(`unknown server "${w}" in --servers. Servers: ${SERVER_NAMES.join(', ')} or all`);
    if (!names.includes(w)) names.push(w);
  }
  const missing = names.filter((n) => !ready(n));
  if (missing.length) throw new ConnectionError(notPreparedLine(missing), 'no-server');
  // Named on purpose, a server is not skipped: only what `all` could not use is.
  const chosen = new Set<ServerName>(names);
  const left = skipped.filter((n) => !chosen.has(n));
  if (!names.length) throw new ConnectionError(notPreparedLine(left.length ? left : [...SERVER_NAMES]), 'no-server');
  return { names, skipped: left };
}

/** One line for every server that is not there: the matrix ones point at `redis-learn servers prepare`. */
function notPreparedLine(missing: readonly ServerName[]): string {
  const matrix = missing.filter((n) => n !== 'system');
  const parts: string[] = [];
  if (matrix.length === 1) parts.push(notPreparedMessage(matrix[0]!));
  else if (matrix.length > 1) {
    parts.push(notPreparedMessage(matrix[0]!).replace(`${matrix[0]} is`, `${matrix.join(' and ')} are`));
  }
  if (missing.includes('system')) parts.push(notPreparedMessage('system'));
  return parts.join('; ');
}

/** The row a result belongs to: a strategy, and for the pipeline its batch size. */
function rowKey(r: Pick<BenchResult, 'strategy' | 'batch'>): string {
  return r.strategy === 'pipeline' ? `pipeline:${r.batch}` : r.strategy;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** A result that can be compared: it ran and its data checked out. */
const usable = (r: BenchResult | undefined): r is BenchResult => Boolean(r && r.verified && r.seconds > 0 && r.recordsPerSec > 0);

/** Per strategy row: each server's result (undefined where it did not run), in the servers' order. */
export function comparisonRows(benches: readonly ServerBench[]): { key: string; label: string; results: (BenchResult | undefined)[] }[] {
  const order: { key: string; label: string }[] = [];
  for (const b of benches) {
    for (const r of b.report.results) {
      const key = rowKey(r);
      if (!order.some((o) => o.key === key)) order.push({ key, label: label(r) });
    }
  }
  return order.map((o) => ({ ...o, results: benches.map((b) => b.report.results.find((r) => rowKey(r) === o.key)) }));
}

/** The index of the fastest verified result of a row, or -1. */
function fastestIndex(results: readonly (BenchResult | undefined)[]): number {
  let top = -1;
  results.forEach((r, i) => {
    if (usable(r) && (top < 0 || r.recordsPerSec > results[top]!.recordsPerSec)) top = i;
  });
  return top;
}

/**
 * The side-by-side table: a row per strategy, a column per server (headed by its name and version) with its rate
 * and, after the first server, the ratio against the first; then who was fastest how often and each server's
 * median ratio against the first, and every failure. Fits `width` columns (80 with the three servers).
 */
export function renderComparison(benches: readonly ServerBench[], unit: string, width = terminalWidth()): string {
  const rows = comparisonRows(benches);
  const first = benches[0]!;
  const head = ['strategy', ...benches.map((b) => `${b.name} ${b.version}`)];
  const body = rows.map((row) => {
    const top = fastestIndex(row.results);
    const base = row.results[0];
    return [
      row.label,
      ...row.results.map((r, i) => {
        if (!r) return '—';
        const pad = benches.length > 1 ? ' ' : '';
        if (!r.verified || r.seconds <= 0) return c.red(r.seconds > 0 ? `✗ ${int(r.recordsPerSec)}${pad}` : `✗${pad}`);
        const ratio = i > 0 && usable(base) ? ` ${(r.recordsPerSec / base.recordsPerSec).toFixed(2)}×` : '';
        // The row's fastest ends in *, the others in a space so the digits stay aligned.
        if (benches.length < 2) return `${int(r.recordsPerSec)}`;
        return i === top ? c.green(`${int(r.recordsPerSec)}${ratio}*`) : `${int(r.recordsPerSec)}${ratio} `;
      }),
    ];
  });
  const columns: ColumnSpec[] = [{ priority: 9, minWidth: 8 }, ...benches.map(() => ({ priority: 8, minWidth: 9 }))];
  const align: ('left' | 'right')[] = head.map((_, i) => (i === 0 ? 'left' : 'right'));
  const lines = [
    c.dim(`  ${unit}/s on each server${benches.length > 1 ? `; ×: against ${first.name}, the first; *: fastest` : ''}`),
    renderTable(head, body, { align, indent: 2, width, columns }),
  ];
  if (benches.length > 1) {
    lines.push('', ...summaryLines(benches, rows));
  }
  const failures: string[] = [];
  rows.forEach((row) =>
    row.results.forEach((r, i) => {
      if (r && !r.verified) failures.push(`  ${c.red('✗')} ${benches[i]!.name} · ${row.label}: ${r.error ?? 'not verified'}`);
    }),
  );
  if (failures.length) lines.push('', ...failures);
  return lines.join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Fastest: which server won how many strategies; then each server's median ratio against the first. */
function summaryLines(benches: readonly ServerBench[], rows: ReturnType<typeof comparisonRows>): string[] {
  const wins = benches.map(() => 0);
  let compared = 0;
  for (const row of rows) {
    const top = fastestIndex(row.results);
    if (top >= 0) {
      wins[top]!++;
      compared++;
    }
  }
  const out: string[] = [];
  if (compared) {
    const ranked = benches
      .map((b, i) => ({ name: b.name, n: wins[i]! }))
      .filter((x) => x.n > 0)
      .sort((a, b) => b.n - a.n);
    const [lead, ...rest] = ranked;
    const others = rest.map((x) => `${x.name} on ${x.n}`).join(', ');
    out.push(`  fastest: ${lead!.name} on ${lead!.n} of ${compared} strateg${compared === 1 ? 'y' : 'ies'}${others ? ` (${others})` : ''}`);
  }
  const ratios: string[] = [];
  benches.slice(1).forEach((b, j) => {
    const xs = rows.flatMap((row) => {
      const base = row.results[0];
      const r = row.results[j + 1];
      return usable(base) && usable(r) ? [r.recordsPerSec / base.recordsPerSec] : [];
    });
    if (xs.length) ratios.push(`${b.name} ${median(xs).toFixed(2)}×`);
  });
  if (ratios.length) out.push(`  median against ${benches[0]!.name}: ${ratios.join(', ')}`);
  return out;
}
