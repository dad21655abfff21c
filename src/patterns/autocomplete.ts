// Autocomplete two ways: alphabetical completions from one sorted set read by lexicographic range, and popular
// completions from a bounded "prefix → top terms by score" index.
//
// Lexicographic: every term is a member with score 0, so the set orders them by their bytes, and ZRANGE … BYLEX
// (Redis 6.2+) returns those between `[prefix` and `[prefix\xff`: O(log N + limit), whatever the dictionary's size.
// Popular: each prefix (up to `maxPrefixLength` characters) has its own sorted set of its `keepPerPrefix` best terms,
// so a suggestion is one small ZRANGE; the price is one write per prefix each time a term is used.
import { slotTagged, type RedisClient } from './client.js';
import { defineScript, type Script } from './lua.js';
import { execAll } from './transaction.js';

/** The form terms are stored and looked up in: NFKC-normalised (ﬁ → fi, full-width → ASCII) and lower-cased. */
export function foldCompletionTerm(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/**
 * Adds terms (case-folded) to a lexicographic completion set, ZADD score 0, 1,000 per command. Every member must keep
 * score 0: BYLEX ranges are only meaningful when all scores are equal. Returns how many terms were new.
 */
export async function addCompletions(redis: RedisClient, key: string, terms: readonly string[]): Promise<number> {
  const folded = [...new Set(terms.map(foldCompletionTerm).filter((t) => t.length > 0))];
  if (!folded.length) return 0;
  const p = redis.pipeline();
  for (let i = 0; i < folded.length; i += 1000) p.zadd(key, ...folded.slice(i, i + 1000).flatMap((t) => [0, t]));
  return (await execAll(p)).reduce<number>((sum, n) => sum + Number(n), 0);
}

/** Removes terms (case-folded) from a lexicographic completion set; returns how many were there. */
export async function removeCompletions(redis: RedisClient, key: string, terms: readonly string[]): Promise<number> {
  if (!terms.length) return 0;
  return Number(await redis.zrem(key, ...terms.map(foldCompletionTerm)));
}

/**
 * Up to `limit` stored terms that start with `prefix` (case-folded), in byte order. The upper bound is the prefix
 * followed by the byte 0xFF, sent as raw bytes: 0xFF never occurs in UTF-8, so it sorts after every term with that
 * prefix. (The JavaScript string '\xff' would go out as the two bytes C3 BF and miss terms continuing with 'ž', '東'
 * or an emoji, whose first bytes are larger.) An empty prefix lists the set from the start.
 */
export async function completePrefix(redis: RedisClient, key: string, prefix: string, limit: number): Promise<string[]> {
  if (!Number.isInteger(limit) || limit <= 0) throw new RangeError(`limit must be a whole number above 0, got ${limit}`);
  const folded = foldCompletionTerm(prefix);
  if (!folded) return redis.zrange(key, '-', '+', 'BYLEX', 'LIMIT', 0, limit);
  const min = Buffer.from(`[${folded}`);
  const max = Buffer.concat([min, Buffer.from([0xff])]);
  return redis.zrange(key, min, max, 'BYLEX', 'LIMIT', 0, limit);
}

/** The shape of a popular-completion index (the same options for writing and reading it). */
export interface PopularCompletionOptions {
  /** Prefixes longer than this (in characters) get no index of their own (default 10). */
  maxPrefixLength?: number;
  /** Terms kept per prefix, the best scores (default 10). */
  keepPerPrefix?: number;
}

/** A suggested term and how often it was used. */
export interface ScoredCompletion {
  term: string;
  score: number;
}

const DEFAULT_MAX_PREFIX = 10;
const DEFAULT_KEEP = 10;

/** The index's keys: the full score of every term, and one bounded set per prefix (one slot on a Cluster). */
function popularKeys(redis: RedisClient, base: string) {
  const tagged = slotTagged(redis, base);
  return { scores: `${tagged}:scores`, prefix: (p: string) => `${tagged}:prefix:${p}` };
}

/** The prefixes of a folded term, by whole characters (an emoji is not split), up to `max` characters. */
function prefixesOf(term: string, max: number): string[] {
  const chars = Array.from(term);
  const out: string[] = [];
  for (let n = 1; n <= Math.min(chars.length, max); n++) out.push(chars.slice(0, n).join(''));
  return out;
}

/**
 * KEYS[1] all scores, KEYS[2..] the term's prefix sets; ARGV term, by, keep. The total goes in every prefix set (not an
 * increment there), so a term that was trimmed out of a prefix comes back with its full score when it climbs again.
 */
const RECORD_LUA = `local total = redis.call('ZINCRBY', KEYS[1], ARGV[2], ARGV[1])
local trim = -(tonumber(ARGV[3]) + 1)
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], total, ARGV[1])
  redis.call('ZREMRANGEBYRANK', KEYS[i], 0, trim)
end
return total`;

// defineScript takes a fixed number of keys; a term has one key per prefix, so there is one command per key count.
const recordScripts = new Map<number, Script<string>>();
function recordScript(numberOfKeys: number): Script<string> {
  let s = recordScripts.get(numberOfKeys);
  if (!s) recordScripts.set(numberOfKeys, (s = defineScript<string>(`autocomplete_record_${numberOfKeys}`, numberOfKeys, RECORD_LUA)));
  return s;
}

function indexShape(opts: PopularCompletionOptions) {
  const maxPrefixLength = opts.maxPrefixLength ?? DEFAULT_MAX_PREFIX;
  const keep = opts.keepPerPrefix ?? DEFAULT_KEEP;
  if (!Number.isInteger(maxPrefixLength) || maxPrefixLength <= 0)
    throw new RangeError(`maxPrefixLength must be above 0, got ${maxPrefixLength}`);
  if (!Number.isInteger(keep) || keep <= 0) throw new RangeError(`keepPerPrefix must be above 0, got ${keep}`);
  return { maxPrefixLength, keep };
}

/**
 * Counts one use of `term` (a search, a pick) and updates every prefix set it belongs to, trimmed to the best
 * `keepPerPrefix`: one script, so concurrent uses never lose a count and a prefix set never holds a stale score.
 * Because scores only grow, each prefix set always holds exactly the best terms for that prefix. Returns the new score.
 */
export async function recordPopularCompletion(
  redis: RedisClient,
  base: string,
  term: string,
  opts: PopularCompletionOptions & { by?: number } = {},
): Promise<number> {
  const { maxPrefixLength, keep } = indexShape(opts);
  const by = opts.by ?? 1;
  if (!(by > 0) || !Number.isFinite(by)) throw new RangeError(`by must be above 0 (scores only grow), got ${by}`);
  const folded = foldCompletionTerm(term);
  if (!folded) throw new RangeError('an empty term cannot be completed');
  const keys = popularKeys(redis, base);
  const all = [keys.scores, ...prefixesOf(folded, maxPrefixLength).map(keys.prefix)];
  return Number(await recordScript(all.length).run(redis, all, [folded, by, keep]));
}

/**
 * The `limit` most used terms starting with `prefix` (case-folded), best first; equal scores come in reverse byte
 * order (ZRANGE … REV). An empty prefix reads the full score set. A prefix longer than `maxPrefixLength` is answered
 * from its longest indexed prefix, filtered: only terms among that prefix's best `keepPerPrefix` can appear.
 */
export async function suggestPopular(
  redis: RedisClient,
  base: string,
  prefix: string,
  limit: number,
  opts: PopularCompletionOptions = {},
): Promise<ScoredCompletion[]> {
  if (!Number.isInteger(limit) || limit <= 0) throw new RangeError(`limit must be a whole number above 0, got ${limit}`);
  const { maxPrefixLength } = indexShape(opts);
  const folded = foldCompletionTerm(prefix);
  const keys = popularKeys(redis, base);
  const chars = Array.from(folded);
  const longer = chars.length > maxPrefixLength;
  const key = folded ? keys.prefix(chars.slice(0, maxPrefixLength).join('')) : keys.scores;
  const reply = await redis.zrange(key, 0, longer ? '-1' : String(limit - 1), 'REV', 'WITHSCORES');
  const flat = (reply as unknown[]).flat() as (string | number)[];
  const out: ScoredCompletion[] = [];
  for (let i = 0; i < flat.length && out.length < limit; i += 2) {
    const term = String(flat[i]);
    if (!longer || term.startsWith(folded)) out.push({ term, score: Number(flat[i + 1]) });
  }
  return out;
}

/** Removes a term from the popular index (its score and every prefix set) in one MULTI. */
export async function removePopularCompletion(
  redis: RedisClient,
  base: string,
  term: string,
  opts: PopularCompletionOptions = {},
): Promise<boolean> {
  const { maxPrefixLength } = indexShape(opts);
  const folded = foldCompletionTerm(term);
  const keys = popularKeys(redis, base);
  const tx = redis.multi().zrem(keys.scores, folded);
  for (const p of prefixesOf(folded, maxPrefixLength)) tx.zrem(keys.prefix(p), folded);
  const [removed] = await execAll(tx);
  return Number(removed) === 1;
}
