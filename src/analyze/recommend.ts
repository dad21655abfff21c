// Plain-language advice from the figures: big keys, a prefix that holds most memory, keys without TTL, encodings.
import { ELEMENT_NOUN, elementsText, type KeyFacts, type ResolvedLimit } from './facts.js';
import { bytes, int, percent } from './format.js';
import { pct, type AnalyzeReport, type Recommendation } from './report.js';
import type { EncodingMiss, Tally } from './tally.js';

/** Big keys named one by one; the rest are counted in one line. */
const NAMED_BIG_KEYS = 5;
/** A prefix holding this share of memory or more is worth a line. */
const PREFIX_MEMORY_PERCENT = 50;
/** Keys without TTL are worth a line from this share on. */
const NO_TTL_PERCENT = 10;

function bigKeyAdvice(f: KeyFacts): string {
  const size = `${elementsText(f.type, f.elements)}${f.memory !== null ? `, ${bytes(f.memory)}` : ''}`;
  const blocking = 'DEL frees it element by element while every other client waits: delete it with UNLINK (freed in the background)';
  switch (f.type) {
    case 'hash':
      return `hash ${f.key} has ${size}: a big key. ${blocking}, and split it (e.g. into 100 hashes by a hash of the field name); HGETALL reads all of it at once`;
    case 'set':
      return `set ${f.key} has ${size}: a big key. ${blocking}; SMEMBERS returns all of it at once (SSCAN walks it), and splitting it spreads the load`;
    case 'zset':
      return `sorted set ${f.key} has ${size}: a big key. ${blocking}; cap it (ZREMRANGEBYRANK) if only the top matters, or split it`;
    case 'list':
      return `list ${f.key} has ${size}: a list this long is often a queue whose consumers fall behind or a log nobody trims. Check its consumers or cap it (LTRIM); LRANGE 0 -1 reads all of it, and UNLINK, not DEL, removes it`;
    case 'stream':
      return `stream ${f.key} has ${size}: cap it as entries are added (XADD … MAXLEN ~ N) or trim it (XTRIM), and remove it with UNLINK, not DEL`;
    case 'string':
      return `string ${f.key} is ${bytes(f.memory ?? f.elements)}: each GET or SET moves all of it and holds the server meanwhile; split or compress it`;
    default:
      return `${f.type} ${f.key} takes ${bytes(f.memory)}: a big key; remove it with UNLINK, not DEL`;
  }
}

function typeNoun(type: string, n: number): string {
  const nouns: Record<string, [string, string]> = { hash: ['hash', 'hashes'], set: ['set', 'sets'], zset: ['sorted set', 'sorted sets'] };
  const [one, many] = nouns[type] ?? [type, `${type}s`];
  return `${int(n)} ${n === 1 ? one : many}`;
}

function encodingAdvice(type: string, miss: EncodingMiss, limit: ResolvedLimit, factor: number): Recommendation[] {
  const out: Recommendation[] = [];
  const noun = ELEMENT_NOUN[type]?.[1] ?? 'elements';
  const x = (n: number) => Math.round(n * factor);
  if (miss.underLimit.keys > 0) {
    const element = type === 'hash' ? 'a field or value' : 'a member';
    out.push({
      kind: 'encoding-limit',
      message:
        `${typeNoun(type, x(miss.underLimit.keys))} (${bytes(x(miss.underLimit.memory))}) are ${limit.big}-encoded with no more ${noun} than ` +
        `${limit.entriesName} (${int(limit.entries)}): ${element} longer than ${limit.valueName} (${limit.value ?? '?'} bytes) converted them, and Redis never converts back. ` +
        `As ${limit.compact[0]} they would take a fraction of the memory: keep long values out of them (e.g. ${miss.examples[0]})`,
      keys: miss.examples,
    });
  }
  if (miss.justOver.keys > 0) {
    out.push({
      kind: 'encoding-limit',
      message:
        `${typeNoun(type, x(miss.justOver.keys))} (${bytes(x(miss.justOver.memory))}) have just over ${limit.entriesName} (${int(limit.entries)} ${noun}) and are ${limit.big}-encoded: ` +
        `raising the limit to ${int(limit.entries * 2)} (CONFIG SET ${limit.entriesName} ${limit.entries * 2}; each access gets a little slower) or keeping them under it would keep them ${limit.compact[0]}`,
      keys: miss.examples,
    });
  }
  return out;
}

export interface AdviceContext {
  report: Omit<AnalyzeReport, 'recommendations'>;
  tally: Tally;
  factor: number;
  /** Per type: its compact encoding's limits on this server. */
  limits: readonly ResolvedLimit[];
}

export function recommend({ report, tally, factor, limits }: AdviceContext): Recommendation[] {
  const out: Recommendation[] = [];
  const { totals } = report;

  const big = tally.big.items;
  for (const f of big.slice(0, NAMED_BIG_KEYS)) out.push({ kind: 'big-key', message: bigKeyAdvice(f), keys: [f.key] });
  if (tally.bigCount > NAMED_BIG_KEYS) {
    const more = tally.bigCount - NAMED_BIG_KEYS;
    out.push({
      kind: 'big-keys-more',
      message: `${int(Math.round(more * factor))} more big keys${factor !== 1 ? ' (extrapolated)' : ''}, each with 10,000 elements or more, a string of 1 MB or more, or 10 MB of memory or more: see the biggest keys tables`,
      keys: big.slice(NAMED_BIG_KEYS).map((f) => f.key),
    });
  }

  const top = report.prefixes.depth1.byMemory[0];
  if (top && top.prefix !== null && report.prefixes.depth1.distinct > 1 && top.memoryPercent >= PREFIX_MEMORY_PERCENT) {
    const keys = `${int(top.keys)} ${top.keys === 1 ? 'key' : 'keys'}`;
    const bigOne = top.keys === 1 || big.some((f) => f.key.startsWith(`${top.prefix}${report.prefixes.separator}`));
    out.push({
      kind: 'prefix-memory',
      message:
        `prefix ${top.prefix}${report.prefixes.separator} holds ${percent(top.memoryPercent)} of the memory (${bytes(top.memory)} in ${keys}, ${percent(top.keysPercent)} of the keys): ` +
        (bigOne
          ? 'its big keys are where memory is saved first'
          : 'memory is saved there first (shorter values, an expiry, a compact encoding)'),
    });
  }

  const none = report.ttl.none;
  const nonePercent = pct(none.keys, totals.keys);
  if (totals.keys > 0 && nonePercent >= NO_TTL_PERCENT) {
    // The eviction policy matters only once memory is bounded.
    const policy = report.server.maxmemory ? (report.server.maxmemoryPolicy ?? '') : '';
    const evict = policy.startsWith('volatile-')
      ? ` With maxmemory-policy ${policy} only keys with a TTL can be evicted.`
      : policy === 'noeviction'
        ? ' With maxmemory-policy noeviction a full server refuses writes instead of evicting.'
        : '';
    out.push({
      kind: 'no-ttl',
      message:
        `${percent(nonePercent)} of keys (${int(none.keys)} of ${int(totals.keys)}) have no TTL, holding ${percent(pct(none.memory, totals.memory))} of the memory: ` +
        `caches, sessions and rate-limit counters should expire (SET … EX, EXPIRE); only keys meant to last for ever should have none.${evict}`,
    });
  }

  for (const limit of limits) {
    const miss = tally.misses.get(limit.type);
    if (miss) out.push(...encodingAdvice(limit.type, miss, limit, factor));
  }
  return out;
}
