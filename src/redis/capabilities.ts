// What the server can do: its command table (arity, flags, key positions), read once per connection.
import type { Redis } from 'ioredis';

export interface CommandSpec {
  name: string;
  arity: number;
  flags: Set<string>;
  firstKey: number;
  lastKey: number;
  step: number;
  subcommands?: Map<string, CommandSpec>;
}

export type CommandTable = Map<string, CommandSpec>;

function parseEntry(raw: unknown[]): CommandSpec {
  const [name, arity, flags, first, last, step] = raw as [string, number, string[], number, number, number];
  const spec: CommandSpec = {
    name: String(name).toLowerCase(),
    arity: Number(arity),
    flags: new Set((flags ?? []).map((f) => String(f).toLowerCase())),
    firstKey: Number(first),
    lastKey: Number(last),
    step: Number(step),
  };
  const subs = raw[9];
  if (Array.isArray(subs) && subs.length) {
    spec.subcommands = new Map();
    for (const s of subs as unknown[][]) {
      const sub = parseEntry(s);
      spec.subcommands.set(sub.name.split('|')[1] ?? sub.name, sub);
    }
  }
  return spec;
}

const cache = new WeakMap<Redis, Promise<CommandTable>>();

/** The server's COMMAND table, fetched once per client. */
export function commandTable(client: Redis): Promise<CommandTable> {
  let p = cache.get(client);
  if (!p) {
    p = (async () => {
      const raw = (await client.call('COMMAND')) as unknown[][];
      const table: CommandTable = new Map();
      for (const entry of raw) {
        const spec = parseEntry(entry);
        table.set(spec.name, spec);
      }
      return table;
    })();
    cache.set(client, p);
  }
  return p;
}

export function lookup(table: CommandTable, args: readonly string[]): CommandSpec | undefined {
  const spec = table.get(String(args[0] ?? '').toLowerCase());
  if (spec?.subcommands && args[1] !== undefined) {
    return spec.subcommands.get(String(args[1]).toLowerCase()) ?? spec;
  }
  return spec;
}

function numkeysAt(args: readonly string[], idx: number, extraBefore: number[] = []): string[] {
  const n = Number(args[idx]);
  if (!Number.isInteger(n) || n < 0) return extraBefore.map((i) => args[i]!).filter(Boolean);
  return [...extraBefore.map((i) => args[i]!), ...args.slice(idx + 1, idx + 1 + n)].filter((k) => k !== undefined);
}

/** Key positions of commands whose keys move with their arguments (movablekeys), without a round trip. */
const MOVABLE: Record<string, (a: readonly string[]) => string[]> = {
  eval: (a) => numkeysAt(a, 2),
  evalsha: (a) => numkeysAt(a, 2),
  eval_ro: (a) => numkeysAt(a, 2),
  evalsha_ro: (a) => numkeysAt(a, 2),
  fcall: (a) => numkeysAt(a, 2),
  fcall_ro: (a) => numkeysAt(a, 2),
  zunionstore: (a) => numkeysAt(a, 2, [1]),
  zinterstore: (a) => numkeysAt(a, 2, [1]),
  zdiffstore: (a) => numkeysAt(a, 2, [1]),
  zunion: (a) => numkeysAt(a, 1),
  zinter: (a) => numkeysAt(a, 1),
  zdiff: (a) => numkeysAt(a, 1),
  zintercard: (a) => numkeysAt(a, 1),
  sintercard: (a) => numkeysAt(a, 1),
  lmpop: (a) => numkeysAt(a, 1),
  zmpop: (a) => numkeysAt(a, 1),
  blmpop: (a) => numkeysAt(a, 2),
  bzmpop: (a) => numkeysAt(a, 2),
  sort: (a) => {
    const keys = [a[1]!];
    const i = a.findIndex((x, j) => j > 1 && x.toLowerCase() === 'store');
    if (i > 0 && a[i + 1]) keys.push(a[i + 1]!);
    return keys;
  },
  sort_ro: (a) => [a[1]!],
  xread: streamsKeys,
  xreadgroup: streamsKeys,
  georadius: geoStore,
  georadiusbymember: geoStore,
  migrate: () => [],
};

function streamsKeys(a: readonly string[]): string[] {
  const i = a.findIndex((x) => x.toLowerCase() === 'streams');
  if (i < 0) return [];
  const rest = a.slice(i + 1);
  return rest.slice(0, Math.floor(rest.length / 2));
}

function geoStore(a: readonly string[]): string[] {
  const keys = [a[1]!];
  a.forEach((x, j) => {
    if (j > 1 && /^(store|storedist)$/i.test(x) && a[j + 1]) keys.push(a[j + 1]!);
  });
  return keys;
}

/** The keys a command touches, from the command table; [] when it has none. */
export function extractKeys(table: CommandTable, args: readonly string[]): string[] {
  const name = String(args[0] ?? '').toLowerCase();
  const movable = MOVABLE[name];
  if (movable) return movable(args).filter((k) => typeof k === 'string');
  const spec = lookup(table, args);
  if (!spec || spec.firstKey <= 0) return [];
  const last = spec.lastKey < 0 ? args.length + spec.lastKey : spec.lastKey;
  const keys: string[] = [];
  for (let i = spec.firstKey; i <= last && i < args.length; i += Math.max(1, spec.step)) keys.push(args[i]!);
  return keys;
}

export function isWrite(table: CommandTable, args: readonly string[]): boolean {
  const spec = lookup(table, args);
  if (!spec) return false;
  if (spec.flags.has('write')) return true;
  // Scripts may write whatever their keys are.
  return /^(eval|evalsha|fcall)$/i.test(spec.name);
}

export async function serverInfo(client: Redis, section: string): Promise<Record<string, string>> {
  const text = await client.info(section);
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** Modules the server has loaded (MODULE LIST), e.g. ['search', 'ReJSON']; [] when none or not allowed. */
export async function loadedModules(client: Redis): Promise<string[]> {
  try {
    const list = (await client.call('MODULE', 'LIST')) as unknown[][];
    return list.map((m) => String(m[1]));
  } catch {
    return [];
  }
}

/** Compares dotted versions: versionAtLeast('7.2.4', '7.2') is true. */
export function versionAtLeast(version: string, wanted: string): boolean {
  const a = version.split('.').map(Number);
  const b = wanted.split('.').map(Number);
  for (let i = 0; i < b.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}
