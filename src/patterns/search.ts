// Full-text search: the Redis Query Engine (FT.CREATE / FT.SEARCH) when the server has it, else an inverted index of
// sets (`<prefix>:idx:<term>` → ids) queried with SINTER. Both lower-case, drop the same stop words and do no
// stemming; the Query Engine's tokenizer differs in details (it keeps '_' inside a word, for one).
import { sleep, slotTagged, type RedisClient } from './client.js';
import { defineScript, type Script } from './lua.js';
import { resolveModuleBackend, type BackendOption, type ResolvedBackend } from './modules.js';
import { execAll } from './transaction.js';

/** 'text': tokenized into words, found by any of them. 'tag': a comma-separated list of exact values, for filters. */
export type SearchFieldType = 'text' | 'tag';

/** The indexed fields, the stop words, and which backend runs the index. */
export interface SearchIndexOptions extends BackendOption {
  /** The fields of a document that are indexed, and how. */
  fields: Record<string, SearchFieldType>;
  /** Words too common to index or search (default DEFAULT_SEARCH_STOP_WORDS, the Redis Query Engine's own list). */
  stopWords?: readonly string[];
}

/** A document to index: text fields as strings, tag fields as a comma-separated string or a list. Other fields are ignored. */
export type SearchDocument = Record<string, string | readonly string[] | undefined>;

/** Filters and size of a search. */
export interface SearchQueryOptions {
  /** Exact tag values the documents must have, one per tag field (all must match). */
  tags?: Record<string, string>;
  /** At most this many ids (default 1000). When more match, core keeps the first ids in sort order, the module its best-scored ones. */
  limit?: number;
}

/** An index of documents by the words of their text fields and by their tags. */
export interface SearchIndex {
  readonly backend: ResolvedBackend;
  /** The caller's prefix, as used in key names (in braces on a Cluster). */
  readonly prefix: string;
  /** Indexes (or re-indexes) a document: its old terms are dropped in the same atomic step. */
  index(id: string, doc: SearchDocument): Promise<void>;
  /** Removes a document from every term and tag set it was in; false when it was not indexed. */
  remove(id: string): Promise<boolean>;
  /** The ids of the documents that contain every word of `query` (AND) and every tag in `opts.tags`, sorted. */
  search(query: string, opts?: SearchQueryOptions): Promise<string[]>;
}

/** The Redis Query Engine's default English stop words: using the same list keeps both backends' results alike. */
export const DEFAULT_SEARCH_STOP_WORDS: readonly string[] = [
  ...'a is the an and are as at be but by for if in into it no not of on or such that their'.split(' '),
  ...'then there these they this to was will with'.split(' '),
];

/** The distinct words of a text: lower-cased, split on anything that is not a letter or a digit, stop words dropped. */
export function tokenizeText(text: string, stopWords: readonly string[] = DEFAULT_SEARCH_STOP_WORDS): string[] {
  const stop = new Set(stopWords.map((w) => w.toLowerCase()));
  const words = text.toLowerCase().split(/[^\p{L}\p{N}]+/u);
  return [...new Set(words.filter((w) => w !== '' && !stop.has(w)))];
}

/** The distinct tags of a tag field: comma-separated (or a list), trimmed, lower-cased (as the Query Engine does). */
export function splitSearchTags(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const parts = typeof value === 'string' ? value.split(',') : value.flatMap((v) => v.split(','));
  return [...new Set(parts.map((t) => t.trim().toLowerCase()).filter((t) => t !== ''))];
}

/** The key names of an index under `prefix` (one hash slot on a Cluster, so SINTER and the scripts can use them together). */
export function searchIndexKeys(redis: RedisClient, prefix: string) {
  const base = slotTagged(redis, prefix);
  return {
    base,
    /** The set of ids whose text fields contain `term`. */
    term: (term: string) => `${base}:idx:${term}`,
    /** The set of ids tagged `value` in `field`. */
    tag: (field: string, value: string) => `${base}:tag:${field}:${value}`,
    /** The set of index-set key names document `id` is in: what remove and re-index clean. */
    terms: (id: string) => `${base}:terms:${id}`,
    /** Module backend: the hash the Query Engine indexes for `id`. */
    doc: (id: string) => `${base}:doc:${id}`,
    /** Module backend: the index name (not a key). */
    ftIndex: `${base}:ft`,
  };
}

/**
 * KEYS[1] the document's terms set, KEYS[2 .. 1+n] the index sets it was in when the caller read it, the rest the
 * sets it goes into now; ARGV id, n. If the terms set changed since the caller read it (a concurrent re-index),
 * nothing is done and 0 comes back: the caller reads again and retries. Else the id leaves its old sets and joins
 * the new ones in one step, so a search never sees a document under both its old and new words, and no set is left
 * pointing at a removed document. Every key is in KEYS: it works with ACL key patterns and on a Cluster.
 */
const REINDEX_LUA = `local n = tonumber(ARGV[2])
if redis.call('SCARD', KEYS[1]) ~= n then return 0 end
for i = 2, n + 1 do
  if redis.call('SISMEMBER', KEYS[1], KEYS[i]) == 0 then return 0 end
end
for i = 2, n + 1 do redis.call('SREM', KEYS[i], ARGV[1]) end
redis.call('DEL', KEYS[1])
for i = n + 2, #KEYS do
  redis.call('SADD', KEYS[i], ARGV[1])
  redis.call('SADD', KEYS[1], KEYS[i])
end
return 1`;

// defineScript fixes the number of keys, and a re-index touches as many keys as the document has words: one
// registration per key count (the same Lua text, so the server caches it once).
const reindexScripts = new Map<number, Script<number>>();
function reindexScript(numberOfKeys: number): Script<number> {
  let script = reindexScripts.get(numberOfKeys);
  if (!script) {
    script = defineScript<number>(`search_reindex_${numberOfKeys}`, numberOfKeys, REINDEX_LUA);
    reindexScripts.set(numberOfKeys, script);
  }
  return script;
}

/** Tries a re-index this many times before giving up (each failure means another writer changed the same document). */
const MAX_ATTEMPTS = 50;

function checkId(id: string): string {
  if (typeof id !== 'string' || id === '') throw new TypeError('a document id is a non-empty string');
  return id;
}

/**
 * Opens the index under `prefix`. Module backend: FT.CREATE over hashes `<prefix>:doc:<id>` (TEXT NOSTEM fields, TAG
 * fields, our stop words, so results match core), created once. In 'auto' mode a server whose search module refuses
 * the schema (one without full-text fields) falls back to core.
 */
export async function createSearchIndex(redis: RedisClient, prefix: string, opts: SearchIndexOptions): Promise<SearchIndex> {
  const fields = Object.entries(opts.fields);
  if (!fields.length) throw new TypeError('a search index needs at least one field');
  for (const [name, type] of fields) {
    // Plain names: they appear in key names and, on the module, unescaped in the query (@name:{…}).
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TypeError(`field name ${JSON.stringify(name)}: use letters, digits and _`);
    if (type !== 'text' && type !== 'tag') throw new TypeError(`field ${name}: type must be 'text' or 'tag'`);
  }
  const stopWords = opts.stopWords ?? DEFAULT_SEARCH_STOP_WORDS;
  const keys = searchIndexKeys(redis, prefix);
  let backend = await resolveModuleBackend(redis, 'search', opts.backend);
  if (backend === 'module') {
    try {
      await createFtIndex(redis, keys, fields, stopWords);
    } catch (err) {
      if (opts.backend === 'module') throw err;
      backend = 'core';
    }
  }
  const textOf = (doc: SearchDocument) =>
    fields
      .filter(([, t]) => t === 'text')
      .map(([f]) => doc[f])
      .map((v) => (typeof v === 'string' ? v : (v ?? []).join(' ')))
      .join(' ');
  const tagsOf = (doc: SearchDocument) => fields.filter(([, t]) => t === 'tag').map(([f]) => [f, splitSearchTags(doc[f])] as const);
  const limitOf = (o?: SearchQueryOptions) => {
    const limit = o?.limit ?? 1000;
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a whole number, got ${limit}`);
    return limit;
  };
  const checkTagFilter = (o?: SearchQueryOptions) =>
    Object.entries(o?.tags ?? {}).map(([f, v]) => {
      if (opts.fields[f] !== 'tag') throw new TypeError(`${f} is not a tag field of this index`);
      return [f, v.trim().toLowerCase()] as const;
    });

  if (backend === 'module') {
    return {
      backend,
      prefix: keys.base,
      async index(id, doc) {
        const values: string[] = [];
        for (const [f, type] of fields) {
          const v = doc[f];
          if (v === undefined) continue;
          values.push(f, type === 'tag' ? splitSearchTags(v).join(',') : typeof v === 'string' ? v : v.join(' '));
        }
        // DEL + HSET in one MULTI: the Query Engine re-indexes the hash on write, and never sees stale fields.
        const tx = redis.multi().del(keys.doc(checkId(id)));
        if (values.length) tx.hset(keys.doc(id), ...values);
        await execAll(tx);
      },
      async remove(id) {
        return (await redis.del(keys.doc(checkId(id)))) > 0;
      },
      async search(query, o) {
        const limit = limitOf(o);
        const clauses = [...tokenizeText(query, stopWords), ...checkTagFilter(o).map(([f, v]) => `@${f}:{${escapeTag(v)}}`)];
        if (!clauses.length || limit === 0) return [];
        const reply = (await redis.call(
          'FT.SEARCH',
          keys.ftIndex,
          clauses.join(' '),
          'NOCONTENT',
          'VERBATIM',
          'LIMIT',
          '0',
          String(limit),
        )) as unknown[];
        const docPrefix = keys.doc('');
        return reply
          .slice(1)
          .map((k) => String(k).slice(docPrefix.length))
          .sort();
      },
    };
  }

  const reindex = async (id: string, newKeys: string[]): Promise<number> => {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const old = await redis.smembers(keys.terms(id));
      const all = [keys.terms(id), ...old, ...newKeys];
      const done = await reindexScript(all.length).run(redis, all, [id, old.length]);
      if (Number(done) === 1) return old.length;
      // Another writer re-indexed the same document in between: back off a little, at random, and read again.
      await sleep(Math.random() * Math.min(attempt + 1, 10));
    }
    throw new Error(`could not re-index ${id}: its terms kept changing under ${MAX_ATTEMPTS} concurrent writes`);
  };
  return {
    backend,
    prefix: keys.base,
    async index(id, doc) {
      checkId(id);
      const newKeys = [
        ...tokenizeText(textOf(doc), stopWords).map(keys.term),
        ...tagsOf(doc).flatMap(([f, tags]) => tags.map((t) => keys.tag(f, t))),
      ];
      await reindex(id, newKeys);
    },
    async remove(id) {
      return (await reindex(checkId(id), [])) > 0;
    },
    async search(query, o) {
      const limit = limitOf(o);
      const sets = [...tokenizeText(query, stopWords).map(keys.term), ...checkTagFilter(o).map(([f, v]) => keys.tag(f, v))];
      if (!sets.length || limit === 0) return [];
      // SINTER starts from the smallest set: the cost follows the rarest word, not the most common one.
      const ids = await redis.sinter(...sets);
      return ids.sort().slice(0, limit);
    },
  };
}

/** Tag values in a query: every character that is not a letter or a digit is escaped (spaces, punctuation). */
function escapeTag(value: string): string {
  return value.replace(/[^\p{L}\p{N}_]/gu, '\\$&');
}

async function createFtIndex(
  redis: RedisClient,
  keys: ReturnType<typeof searchIndexKeys>,
  fields: [string, SearchFieldType][],
  stopWords: readonly string[],
): Promise<void> {
  const schema = fields.flatMap(([f, type]) => (type === 'text' ? [f, 'TEXT', 'NOSTEM'] : [f, 'TAG', 'SEPARATOR', ',']));
  const stop = stopWords.length ? ['STOPWORDS', String(stopWords.length), ...stopWords] : ['STOPWORDS', '0'];
  try {
    await redis.call('FT.CREATE', keys.ftIndex, 'ON', 'HASH', 'PREFIX', '1', keys.doc(''), ...stop, 'SCHEMA', ...schema);
  } catch (err) {
    // Created by an earlier call or another process: the index is there, which is what we need.
    if (!/already exists/i.test((err as Error).message)) throw err;
  }
}
