// JSON documents: RedisJSON when the server has it, else a hash of paths ("a.b.c" → JSON-encoded leaf) so one field
// changes atomically (HINCRBY, HSET) without rewriting the document.
//
// Limits of the core backend (the hash of paths):
// - The root must be an object. Object keys must be non-empty and must not contain '.', which separates path segments.
// - Arrays are stored WHOLE, as one JSON-encoded leaf: `get` reads inside them ("tags.0"), but `incrBy`, `setPath`
//   and `delete` cannot change one element (they throw); replace the whole array with `setPath(key, 'tags', [...])`.
// - Empty objects are stored as a leaf "{}" so they survive a round trip.
// - Paths are dot paths on both backends ("address.city", "tags.0"); on the module they become JSONPath
//   ($.address.city, $.tags[0]). A segment made only of digits indexes an array there, so avoid object keys made only
//   of digits if you may switch backends.
import type { RedisClient } from './client.js';
import { defineScript } from './lua.js';
import { resolveModuleBackend, type BackendOption, type ResolvedBackend } from './modules.js';
import { execAll } from './transaction.js';

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object: what a document's root is. */
export type JsonObject = { [key: string]: JsonValue };

/** Options of createJsonStore: which backend to run on. */
export type JsonStoreOptions = BackendOption;

/** JSON documents stored under caller-given keys, read and changed by dot path. */
export interface JsonStore {
  readonly backend: ResolvedBackend;
  /** Replaces the whole document at `key` (creating it), in one step. */
  set(key: string, doc: JsonObject): Promise<void>;
  /** The document, or the value at `path` (dot path); undefined when the document or the path does not exist. */
  get(key: string, path?: string): Promise<JsonValue | undefined>;
  /** Sets the value at `path` in an existing document; its parent must already be an object. */
  setPath(key: string, path: string, value: JsonValue): Promise<void>;
  /** Adds `by` to the number at `path`, atomically on the server; returns the new value. Throws if it is not a number. */
  incrBy(key: string, path: string, by: number): Promise<number>;
  /** Deletes the value at `path`, or the whole document without a path; false when there was nothing to delete. */
  delete(key: string, path?: string): Promise<boolean>;
}

/** Thrown when a path does not name what an operation needs (a number for incrBy, an object parent for setPath). */
export class JsonPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPathError';
  }
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkSegment(segment: string): string {
  if (segment === '' || segment.includes('.')) {
    throw new JsonPathError(`object keys must be non-empty and contain no '.', got ${JSON.stringify(segment)}`);
  }
  return segment;
}

function splitPath(path: string): string[] {
  if (typeof path !== 'string' || path === '') throw new JsonPathError('a path is a non-empty dot path such as "address.city"');
  return path.split('.').map(checkSegment);
}

/** The dot path as JSONPath for RedisJSON: $.name, $["odd key"], $[0] for a digits-only segment. */
export function toJsonPath(path: string): string {
  return (
    '$' +
    splitPath(path)
      .map((s) => (/^\d+$/.test(s) ? `[${s}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`))
      .join('')
  );
}

/** The root marker field of the core hash: it keeps an empty document `{}` alive (a hash cannot be empty). */
const ROOT = '';

/** Flattens a value at `prefix` into [path, JSON leaf] pairs: objects recurse, arrays and scalars are leaves. */
export function flattenJson(value: JsonValue, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  const walk = (v: JsonValue, path: string) => {
    if (isObject(v) && Object.keys(v).length > 0) {
      for (const [k, child] of Object.entries(v)) {
        if (child === undefined) continue; // JSON.stringify drops undefined members too
        walk(child, path ? `${path}.${checkSegment(k)}` : checkSegment(k));
      }
    } else {
      if (path === '') throw new JsonPathError('flattenJson needs an object with members or a path prefix');
      // Scalars, arrays and empty objects are leaves: stored whole, as JSON (keys inside arrays may hold anything).
      out.push([path, JSON.stringify(v)]);
    }
  };
  walk(value, prefix);
  return out;
}

// Defines an own property: a plain assignment of a key named "__proto__" would change the object's prototype.
function put(node: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Rebuilds a value from [relative path, JSON leaf] pairs (the inverse of flattenJson). */
export function unflattenJson(pairs: Iterable<[string, string]>): JsonObject {
  const root: JsonObject = {};
  for (const [path, leaf] of pairs) {
    if (path === ROOT) continue;
    const segments = path.split('.');
    let node = root;
    for (const seg of segments.slice(0, -1)) {
      if (!Object.prototype.hasOwnProperty.call(node, seg) || !isObject(node[seg])) put(node, seg, {});
      node = node[seg] as JsonObject;
    }
    put(node, segments[segments.length - 1]!, JSON.parse(leaf) as JsonValue);
  }
  return root;
}

/** Follows `segments` inside a parsed value (objects by key, arrays by index). */
function descend(value: JsonValue | undefined, segments: string[]): JsonValue | undefined {
  let v = value;
  for (const seg of segments) {
    if (Array.isArray(v) && /^\d+$/.test(seg)) v = v[Number(seg)];
    else if (isObject(v) && Object.prototype.hasOwnProperty.call(v, seg)) v = v[seg];
    else return undefined;
  }
  return v;
}

// The core scripts share one Lua helper: the leaf (a field that is exactly a proper prefix of the path) that blocks
// a path, i.e. the path would go inside an array or a scalar.
const LUA_BLOCKING_LEAF = `
local function blocking_leaf(key, path)
  local pos = 1
  while true do
    local dot = string.find(path, '.', pos, true)
    if not dot then return nil end
    local ancestor = string.sub(path, 1, dot - 1)
    local v = redis.call('HGET', key, ancestor)
    if v and v ~= '{}' then return ancestor end
    pos = dot + 1
  end
end
local function under(field, path)
  return field == path or string.sub(field, 1, #path + 1) == path .. '.'
end`;

/**
 * KEYS[1] the document hash; ARGV path, then field/value pairs of the new subtree. Refuses a missing document, a path
 * inside an array or scalar, and a missing parent (as JSON.SET does); else removes the old subtree and writes the new
 * one. One script, so a reader never sees the subtree half replaced.
 */
const SET_PATH = defineScript<number>(
  'json_set_path',
  1,
  `${LUA_BLOCKING_LEAF}
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('JSONPATH no document at this key: set the whole document first') end
local path = ARGV[1]
local leaf = blocking_leaf(KEYS[1], path)
if leaf then return redis.error_reply('JSONPATH ' .. leaf .. ' is not an object') end
local fields = redis.call('HKEYS', KEYS[1])
local parent = string.match(path, '^(.*)%.[^.]*$')
if parent then
  local found = false
  for _, f in ipairs(fields) do
    if under(f, parent) then found = true break end
  end
  if not found then return redis.error_reply('JSONPATH the parent ' .. parent .. ' does not exist') end
  -- an empty object leaf "{}" becomes a real parent
  if redis.call('HGET', KEYS[1], parent) == '{}' then redis.call('HDEL', KEYS[1], parent) end
end
for _, f in ipairs(fields) do
  if under(f, path) then redis.call('HDEL', KEYS[1], f) end
end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1`,
);

/**
 * KEYS[1] the document hash; ARGV path, increment. The leaf must hold a JSON number; HINCRBY keeps integers exact,
 * HINCRBYFLOAT handles the rest. One atomic step: concurrent increments never lose an update.
 */
const INCR_BY = defineScript<string | number>(
  'json_incr_by',
  1,
  `${LUA_BLOCKING_LEAF}
local path = ARGV[1]
local v = redis.call('HGET', KEYS[1], path)
if not v or not tonumber(v) then
  local leaf = blocking_leaf(KEYS[1], path)
  if leaf then return redis.error_reply('JSONPATH ' .. leaf .. ' is an array or a scalar: the core backend cannot change inside it') end
  return redis.error_reply('JSONPATH no number at ' .. path)
end
if string.match(v, '^-?%d+$') and string.match(ARGV[2], '^-?%d+$') then
  return redis.call('HINCRBY', KEYS[1], path, ARGV[2])
end
return redis.call('HINCRBYFLOAT', KEYS[1], path, ARGV[2])`,
);

/**
 * KEYS[1] the document hash; ARGV path. Deletes the leaf or subtree at the path; a parent object left without
 * members stays, as "{}" (JSON.DEL keeps it too). Returns how many fields went.
 */
const DELETE_PATH = defineScript<number>(
  'json_delete_path',
  1,
  `${LUA_BLOCKING_LEAF}
local path = ARGV[1]
if blocking_leaf(KEYS[1], path) then return redis.error_reply('JSONPATH the core backend cannot delete inside an array or a scalar') end
local removed = 0
local fields = redis.call('HKEYS', KEYS[1])
for _, f in ipairs(fields) do
  if under(f, path) then redis.call('HDEL', KEYS[1], f) removed = removed + 1 end
end
local parent = string.match(path, '^(.*)%.[^.]*$')
if removed > 0 and parent then
  local left = false
  for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
    if under(f, parent) then left = true break end
  end
  if not left then redis.call('HSET', KEYS[1], parent, '{}') end
end
return removed`,
);

/** A JSON store on RedisJSON when the server has it (or `backend: 'module'`), else on a hash of paths per document. */
export async function createJsonStore(redis: RedisClient, opts: JsonStoreOptions = {}): Promise<JsonStore> {
  const backend = await resolveModuleBackend(redis, 'json', opts.backend);
  return backend === 'module' ? moduleStore(redis) : coreStore(redis);
}

function checkRoot(doc: JsonObject): void {
  if (!isObject(doc)) throw new JsonPathError('a document is a JSON object');
}

function checkNumber(by: number): string {
  if (!Number.isFinite(by)) throw new RangeError(`incrBy needs a finite number, got ${by}`);
  return String(by);
}

// The core scripts refuse a bad path with a JSONPATH error reply: thrown to the caller as a JsonPathError.
function pathError(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith('JSONPATH ')) throw new JsonPathError(message.slice('JSONPATH '.length));
  throw err;
}

function coreStore(redis: RedisClient): JsonStore {
  return {
    backend: 'core',
    async set(key, doc) {
      checkRoot(doc);
      const pairs = Object.keys(doc).length ? flattenJson(doc) : [];
      // DEL and HSET in one MULTI: no reader sees the document half written, or the old fields mixed in.
      const tx = redis.multi().del(key).hset(key, ROOT, '{}');
      if (pairs.length) tx.hset(key, ...pairs.flat());
      await execAll(tx);
    },
    async get(key, path) {
      const all = await redis.hgetall(key);
      if (!Object.prototype.hasOwnProperty.call(all, ROOT)) return undefined;
      const doc = unflattenJson(Object.entries(all));
      return path === undefined ? doc : descend(doc, splitPath(path));
    },
    async setPath(key, path, value) {
      splitPath(path);
      const pairs = isObject(value) && Object.keys(value).length ? flattenJson(value, path) : [[path, JSON.stringify(value)]];
      await SET_PATH.run(redis, [key], [path, ...pairs.flat()]).catch(pathError);
    },
    async incrBy(key, path, by) {
      splitPath(path);
      return Number(await INCR_BY.run(redis, [key], [path, checkNumber(by)]).catch(pathError));
    },
    async delete(key, path) {
      if (path === undefined) return (await redis.del(key)) > 0;
      splitPath(path);
      return Number(await DELETE_PATH.run(redis, [key], [path]).catch(pathError)) > 0;
    },
  };
}

function moduleStore(redis: RedisClient): JsonStore {
  // With a $-path RedisJSON replies with a JSON array of every match: [] when the path matches nothing.
  const matches = (reply: unknown): JsonValue[] | undefined => (reply === null ? undefined : (JSON.parse(String(reply)) as JsonValue[]));
  return {
    backend: 'module',
    async set(key, doc) {
      checkRoot(doc);
      await redis.call('JSON.SET', key, '$', JSON.stringify(doc));
    },
    async get(key, path) {
      const found = matches(await redis.call('JSON.GET', key, path === undefined ? '$' : toJsonPath(path)));
      return found?.[0];
    },
    async setPath(key, path, value) {
      // JSON.SET replies nil when the parent does not exist (or is not an object): nothing was written.
      const reply = await redis.call('JSON.SET', key, toJsonPath(path), JSON.stringify(value));
      if (reply === null) throw new JsonPathError(`cannot set ${path}: its parent does not exist or is not an object`);
    },
    async incrBy(key, path, by) {
      const found = matches(await redis.call('JSON.NUMINCRBY', key, toJsonPath(path), checkNumber(by)));
      const value = found?.[0];
      if (typeof value !== 'number') throw new JsonPathError(`no number at ${path}`);
      return value;
    },
    async delete(key, path) {
      if (path === undefined) return (await redis.del(key)) > 0;
      return Number(await redis.call('JSON.DEL', key, toJsonPath(path))) > 0;
    },
  };
}
