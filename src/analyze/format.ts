// How analyze writes sizes, shares, counts and durations in its report and recommendations.

export function bytes(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '-';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}

export const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** "43 %", "0.4 %", "< 0.1 %" for a share that is not zero but rounds to it. */
export function percent(p: number): string {
  if (p > 0 && p < 0.1) return '< 0.1 %';
  return `${p >= 10 ? Math.round(p) : Math.round(p * 10) / 10} %`;
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A TTL for a table cell: "-" for none, else the largest unit that fits ("29 min", "2 d"). */
export function ttl(ms: number): string {
  if (ms < 0) return '-';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}

export const ms = (x: number): string => (x >= 10 ? `${x.toFixed(1)} ms` : `${x.toFixed(2)} ms`);
