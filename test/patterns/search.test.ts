// Full-text search: exact result sets, re-indexing changes results, remove cleans every set of the document,
// concurrent re-indexes leave exactly one version indexed, and the module backend when the server has it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectModules } from '../../src/patterns/modules.js';
import { scanKeys } from '../../src/patterns/scan.js';
import { createSearchIndex, searchIndexKeys, splitSearchTags, tokenizeText, type SearchIndex } from '../../src/patterns/search.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('search');
});
afterEach(async () => {
  await env.cleanup();
});

const DOCS = {
  b1: { title: 'The Redis Book', body: 'Sorted sets and streams, explained with care.', category: 'books' },
  b2: { title: 'Streams in Practice', body: 'Consumer groups, pending entries and streams at scale.', category: 'books, featured' },
  v1: { title: 'Redis Streams video', body: 'A talk on consumer groups.', category: 'Videos' },
  v2: { title: 'Caching 101', body: 'Cache-aside and TTLs, with Redis.', category: ['videos', 'featured'] },
};

async function loaded(opts: { backend?: 'core' | 'auto' } = {}): Promise<SearchIndex> {
  const index = await createSearchIndex(env.redis, env.key('s'), { fields: { title: 'text', body: 'text', category: 'tag' }, ...opts });
  for (const [id, doc] of Object.entries(DOCS)) await index.index(id, doc);
  return index;
}

/** Every index set (term or tag) under the prefix, with its members. */
async function indexSets(prefix: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const keys = await scanKeys(env.redis, { match: `${prefix}:*` });
  for (const k of keys) if (/:(idx|tag):/.test(k)) out.set(k, (await env.redis.smembers(k)).sort());
  return out;
}

describe('tokenizeText / splitSearchTags', () => {
  it('lower-cases, splits on anything but letters and digits, drops stop words and repeats', () => {
    expect(tokenizeText('The Redis-Book: streams, STREAMS and 2 sets!')).toEqual(['redis', 'book', 'streams', '2', 'sets']);
    expect(tokenizeText('Crème brûlée à la carte', ['la'])).toEqual(['crème', 'brûlée', 'à', 'carte']);
    expect(tokenizeText('the and of')).toEqual([]);
  });

  it('splits tags on commas, trims and lower-cases them', () => {
    expect(splitSearchTags(' Books , featured,,books')).toEqual(['books', 'featured']);
    expect(splitSearchTags(['A', 'b,c'])).toEqual(['a', 'b', 'c']);
    expect(splitSearchTags(undefined)).toEqual([]);
  });
});

describe('createSearchIndex (core: an inverted index of sets)', () => {
  it('finds exactly the documents that contain every word (AND), with tag filters', async () => {
    const index = await loaded({ backend: 'core' });
    expect(index.backend).toBe('core');
    expect(await index.search('streams')).toEqual(['b1', 'b2', 'v1']);
    expect(await index.search('Redis streams')).toEqual(['b1', 'v1']);
    expect(await index.search('consumer groups')).toEqual(['b2', 'v1']);
    expect(await index.search('redis', { tags: { category: 'videos' } })).toEqual(['v1', 'v2']);
    expect(await index.search('streams', { tags: { category: 'Featured' } })).toEqual(['b2']);
    expect(await index.search('', { tags: { category: 'featured' } })).toEqual(['b2', 'v2']);
    expect(await index.search('redis kafka')).toEqual([]);
    expect(await index.search('the and')).toEqual([]);
    expect(await index.search('streams', { limit: 2 })).toEqual(['b1', 'b2']);
    await expect(index.search('x', { tags: { title: 'x' } })).rejects.toThrow(/not a tag field/);
    await expect(createSearchIndex(env.redis, env.key('bad'), { fields: { 'a b': 'text' } })).rejects.toThrow(/field name/);
    await expect(createSearchIndex(env.redis, env.key('bad'), { fields: {} })).rejects.toThrow(/at least one field/);
  });

  it("stores the inverted index as sets, and each document's index keys in <prefix>:terms:<id>", async () => {
    await loaded({ backend: 'core' });
    const keys = searchIndexKeys(env.redis, env.key('s'));
    expect((await env.redis.smembers(keys.term('streams'))).sort()).toEqual(['b1', 'b2', 'v1']);
    expect((await env.redis.smembers(keys.tag('category', 'featured'))).sort()).toEqual(['b2', 'v2']);
    expect(await env.redis.exists(keys.term('the'))).toBe(0);
    expect((await env.redis.smembers(keys.terms('v2'))).sort()).toEqual(
      ['caching', '101', 'cache', 'aside', 'ttls', 'redis']
        .map(keys.term)
        .concat([keys.tag('category', 'videos'), keys.tag('category', 'featured')])
        .sort(),
    );
  });

  it('re-indexing a document changes the results: old words gone, new words found', async () => {
    const index = await loaded({ backend: 'core' });
    await index.index('b1', { title: 'The Kafka Book', body: 'Logs and partitions.', category: 'archive' });
    expect(await index.search('streams')).toEqual(['b2', 'v1']);
    expect(await index.search('redis')).toEqual(['v1', 'v2']);
    expect(await index.search('kafka book')).toEqual(['b1']);
    expect(await index.search('', { tags: { category: 'books' } })).toEqual(['b2']);
    expect(await index.search('', { tags: { category: 'archive' } })).toEqual(['b1']);
    const keys = searchIndexKeys(env.redis, env.key('s'));
    for (const [set, members] of await indexSets(keys.base)) {
      if (members.includes('b1')) expect((await env.redis.smembers(keys.terms('b1'))).includes(set), set).toBe(true);
    }
  });

  it('remove cleans every term and tag set of that document, and its terms set', async () => {
    const index = await loaded({ backend: 'core' });
    const keys = searchIndexKeys(env.redis, env.key('s'));
    const itsSets = await env.redis.smembers(keys.terms('b2'));
    expect(itsSets.length).toBeGreaterThan(5);
    expect(await index.remove('b2')).toBe(true);
    expect(await index.remove('b2')).toBe(false);
    for (const set of itsSets) expect(await env.redis.sismember(set, 'b2'), set).toBe(0);
    expect(await env.redis.exists(keys.terms('b2'))).toBe(0);
    for (const [set, members] of await indexSets(keys.base)) expect(members.includes('b2'), set).toBe(false);
    // A word only b2 had is gone with its set.
    expect(await env.redis.exists(keys.term('pending'))).toBe(0);
    expect(await index.search('streams')).toEqual(['b1', 'v1']);
  });

  it('under 10 clients re-indexing one document at once, exactly one version stays indexed', async () => {
    await loaded({ backend: 'core' });
    const clients = await env.connectMany(10);
    const indexes = await Promise.all(
      clients.map((c) => createSearchIndex(c, env.key('s'), { fields: { title: 'text', body: 'text', category: 'tag' }, backend: 'core' })),
    );
    await Promise.all(
      indexes.flatMap((index, i) =>
        [0, 1, 2].map((j) => index.index('hot', { title: `version v${i}x${j} shared`, body: 'common words', category: `c${i}` })),
      ),
    );
    const keys = searchIndexKeys(env.redis, env.key('s'));
    const sets = await indexSets(keys.base);
    const versions = [...sets].filter(([k, m]) => /:idx:v\d+x\d+$/.test(k) && m.includes('hot'));
    expect(versions).toHaveLength(1);
    const [, i, j] = versions[0]![0].match(/v(\d+)x(\d+)$/)!;
    const expected = [...tokenizeText(`version v${i}x${j} shared common words`).map(keys.term), keys.tag('category', `c${i}`)].sort();
    expect((await env.redis.smembers(keys.terms('hot'))).sort()).toEqual(expected);
    const holding = [...sets].filter(([, m]) => m.includes('hot')).map(([k]) => k);
    expect(holding.sort()).toEqual(expected);
    expect(await indexes[0]!.search('shared common')).toEqual(['hot']);
  });
});

describe('createSearchIndex (backend)', () => {
  it("runs the Query Engine when the server has it, and otherwise 'auto' runs the inverted index", async () => {
    const { search } = await detectModules(env.redis);
    const index = await loaded();
    const keys = searchIndexKeys(env.redis, env.key('s'));
    if (search && index.backend === 'module') {
      expect(await env.redis.hgetall(keys.doc('v2'))).toEqual({
        title: 'Caching 101',
        body: 'Cache-aside and TTLs, with Redis.',
        category: 'videos,featured',
      });
    } else {
      // Core (a search module that refuses full-text fields also falls back to core in 'auto').
      expect(index.backend).toBe('core');
      if (!search) expect(await env.redis.exists(keys.terms('v2'))).toBe(1);
    }
    expect(await index.search('Redis streams')).toEqual(['b1', 'v1']);
    expect(await index.search('redis', { tags: { category: 'videos' } })).toEqual(['v1', 'v2']);
    await index.index('b1', { title: 'Other', body: 'nothing here', category: 'x' });
    expect(await index.search('streams')).toEqual(['b2', 'v1']);
    expect(await index.remove('b2')).toBe(true);
    expect(await index.search('streams')).toEqual(['v1']);
  });
});
