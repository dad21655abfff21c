// The analysis as people read it: a summary, tables of prefixes, biggest keys, TTLs and encodings, then the advice.
import { safeText } from '../redis/format-reply.js';
import { renderTable } from '../ui/table.js';
import { c } from '../ui/theme.js';
import { ELEMENT_NOUN, TTL_BUCKETS, TTL_LABEL } from './facts.js';
import { bytes, duration, int, ms, percent, ttl } from './format.js';
import { pct, type AnalyzeReport, type PrefixRow } from './report.js';

const TABLE = { indent: 2 };

function prefixLabel(p: string | null, sep: string): string {
  return p === null ? '(no prefix)' : `${p}${sep}*`;
}

function prefixTable(rows: PrefixRow[], sep: string): string {
  return renderTable(
    ['prefix', 'keys', '% keys', 'memory', '% memory', 'types'],
    rows.map((r) => [
      prefixLabel(r.prefix, sep),
      int(r.keys),
      percent(r.keysPercent),
      bytes(r.memory),
      percent(r.memoryPercent),
      Object.entries(r.types)
        .sort((a, b) => b[1] - a[1])
        .map(([t, n]) => `${t} ${int(n)}`)
        .join(', '),
    ]),
    {
      ...TABLE,
      align: ['left', 'right', 'right', 'right', 'right', 'left'],
      columns: [
        { priority: 2, minWidth: 16 },
        { priority: 3 },
        { priority: 2 },
        { priority: 3 },
        { priority: 2 },
        { priority: 0, drop: true },
      ],
    },
  );
}

/** The report's lines for a terminal or a pipe. */
export function renderReport(r: AnalyzeReport): string[] {
  const out: string[] = [];
  const say = (line = '') => out.push(line);
  const title = (t: string) => {
    say();
    say(c.bold(t));
  };
  const est = r.sampled ? ' (extrapolated)' : '';
  const scope = r.scope.match ? `keys matching ${safeText(r.scope.match)}` : 'every key';
  say(c.bold(`Keyspace analysis · db ${r.server.db} · ${scope}`));
  const used = r.server.usedMemory !== null ? ` · the server's used_memory ${bytes(r.server.usedMemory)}` : '';
  say(
    `  ${int(r.totals.keys)} ${r.totals.keys === 1 ? 'key' : 'keys'} · ${bytes(r.totals.memory)} by MEMORY USAGE${est}${used} · ${duration(r.durationMs)}, read only`,
  );
  if (r.sampled) {
    const s = r.sampled;
    const why = s.reason === 'option' ? '--sample' : `over ${int(s.analysedKeys)} keys: pass --sample N to change`;
    say(
      c.yellow(
        `  sampled: ${int(s.analysedKeys)} of ${int(s.totalKeys)} keys analysed (${percent(s.ratio * 100)}, ${why}), the first the SCAN walk returned (hash order, unrelated to names):`,
      ),
    );
    say(
      c.yellow(`  counts and memory below are extrapolated ×${s.factor.toFixed(2)}; the biggest keys are the biggest found in the sample`),
    );
  }
  if (r.totals.unreadable) {
    say(c.yellow(`  ${int(r.totals.unreadable)} keys are out of this user's reach (ACL) and left out of every figure`));
  }
  if (r.totals.vanished) say(c.dim(`  ${int(r.totals.vanished)} keys expired or were deleted during the walk`));
  if (r.totals.unsized) say(c.dim(`  ${int(r.totals.unsized)} keys could not be sized (MEMORY USAGE refused or not supported)`));
  for (const w of r.warnings) say(c.yellow(`  note: ${safeText(w)}`));

  if (r.totals.analysedKeys > 0) {
    const sep = safeText(r.prefixes.separator);
    const d1 = r.prefixes.depth1;
    title(`Top prefixes by memory (first segment, separator "${sep}", ${int(d1.distinct)} in all)${est}`);
    say(prefixTable(d1.byMemory, sep));
    title(`Top prefixes by key count${est}`);
    say(prefixTable(d1.byCount, sep));
    const d2 = r.prefixes.depth2;
    if (d2.distinct > 0) {
      title(`Top prefixes two segments deep, by memory (${int(d2.distinct)} in all)${est}`);
      say(prefixTable(d2.byMemory.slice(0, 5), sep));
    }

    title(r.sampled ? 'Biggest keys by memory (in the sample)' : 'Biggest keys by memory');
    say(
      renderTable(
        ['key', 'type', 'encoding', 'elements', 'memory', 'TTL'],
        r.biggest.byMemory.map((k) => [
          k.key,
          k.type,
          k.encoding ?? '-',
          k.elements === null ? '-' : int(k.elements),
          bytes(k.memory),
          ttl(k.ttlMs),
        ]),
        {
          ...TABLE,
          align: ['left', 'left', 'left', 'right', 'right', 'right'],
          columns: [
            { priority: 1, minWidth: 16 },
            { priority: 3 },
            { priority: 0, drop: true },
            { priority: 2 },
            { priority: 3 },
            { priority: 0, drop: true },
          ],
        },
      ),
    );
    const byType = Object.entries(r.biggest.byElements).filter(([, rows]) => rows.length);
    if (byType.length) {
      title(r.sampled ? 'Biggest keys by elements, per type (in the sample)' : 'Biggest keys by elements, per type');
      say(
        renderTable(
          ['type', 'key', 'elements', 'memory', 'encoding'],
          byType.flatMap(([type, rows]) =>
            rows
              .slice(0, 3)
              .map((k) => [
                type,
                k.key,
                `${int(k.elements ?? 0)} ${ELEMENT_NOUN[type]?.[1] ?? ''}`.trim(),
                bytes(k.memory),
                k.encoding ?? '-',
              ]),
          ),
          {
            ...TABLE,
            align: ['left', 'left', 'right', 'right', 'left'],
            columns: [{ priority: 3 }, { priority: 1, minWidth: 16 }, { priority: 2 }, { priority: 2 }, { priority: 0, drop: true }],
          },
        ),
      );
    }

    title(`TTL${est}`);
    say(
      renderTable(
        ['expires in', 'keys', '% keys', 'memory', '% memory'],
        TTL_BUCKETS.map((b) => {
          const s = r.ttl[b];
          return [TTL_LABEL[b], int(s.keys), percent(pct(s.keys, r.totals.keys)), bytes(s.memory), percent(pct(s.memory, r.totals.memory))];
        }),
        { ...TABLE, align: ['left', 'right', 'right', 'right', 'right'] },
      ),
    );

    title(`Types and encodings${est}`);
    const typeRows = Object.entries(r.encodings)
      .sort((a, b) => (r.types[b[0]]?.memory ?? 0) - (r.types[a[0]]?.memory ?? 0))
      .flatMap(([type, encs]) =>
        Object.entries(encs)
          .sort((a, b) => b[1].keys - a[1].keys)
          .map(([enc, s]) => [type, enc, int(s.keys), bytes(s.memory), percent(pct(s.memory, r.totals.memory))]),
      );
    say(
      renderTable(['type', 'encoding', 'keys', 'memory', '% memory'], typeRows, {
        ...TABLE,
        align: ['left', 'left', 'right', 'right', 'right'],
      }),
    );
  }

  title('Recommendations');
  if (!r.recommendations.length) say('  nothing stands out');
  for (const rec of r.recommendations) say(`  • ${safeText(rec.message)}`);

  // An empty walk is a SCAN or two: nothing to say about its impact.
  if (r.totals.analysedKeys === 0 && r.pacing.scanCalls <= 1) return out;
  title('Impact on the server');
  const p = r.pacing;
  const paced =
    p.pace >= 100
      ? 'not paced (--pace 100)'
      : `paced to ${p.pace} % of the server's time (--pace): ${duration(p.pausedMs)} of pauses between ${int(p.roundTrips)} round trips`;
  say(
    `  ${paced}; round trips less the network: ${duration(p.busyMs)}, ${percent(p.busyPercent)} of the walk (an upper bound of the server's time)`,
  );
  const l = r.latency;
  if (l.before && l.during && l.addedP50Ms !== null) {
    // Below zero is noise (a busier machine answers a little faster): no increase to report.
    const added = (x: number) => (x > 0 ? `+${ms(x)}` : 'no increase');
    say(
      `  PING from a second connection, before → during: median ${ms(l.before.p50Ms)} → ${ms(l.during.p50Ms)} (${added(l.addedP50Ms)}), ` +
        `p99 ${ms(l.before.p99Ms)} → ${ms(l.during.p99Ms)} (${added(l.addedP99Ms ?? 0)}), max ${ms(l.during.maxMs)}; ${int(l.during.pings)} pings`,
    );
  } else if (l.note) say(c.dim(`  latency ${l.note}`));
  return out;
}
