// Reading the server's own reports: INFO sections as numbers, INFO commandstats as rows, CLIENT LIST as records,
// SLOWLOG GET entries, and the config values the lesson's checks compare.
import type { Redis } from 'ioredis';
import { parseFields } from '../../../lab/admin.js';

export async function info(client: Redis, section: string): Promise<Record<string, string>> {
  return parseFields(await client.info(section));
}

export const num = (v: string | undefined): number => (v === undefined ? 0 : Number(v));

/** keyspace_hits / (hits + misses) from INFO stats, with the counts; null ratio when nothing was looked up. */
export async function hitRatio(client: Redis): Promise<{ hits: number; misses: number; ratio: number | null }> {
  const s = await info(client, 'stats');
  const hits = num(s.keyspace_hits);
  const misses = num(s.keyspace_misses);
  return { hits, misses, ratio: hits + misses ? hits / (hits + misses) : null };
}

export interface CommandStat {
  command: string;
  calls: number;
  usec: number;
  usecPerCall: number;
}

/** INFO commandstats as rows (`cmdstat_get:calls=…,usec=…,usec_per_call=…`), subcommands as `config|set`. */
export async function commandStats(client: Redis): Promise<CommandStat[]> {
  const fields = await info(client, 'commandstats');
  return Object.entries(fields)
    .filter(([k]) => k.startsWith('cmdstat_'))
    .map(([k, v]) => {
      const f = Object.fromEntries(v.split(',').map((kv) => kv.split('=') as [string, string]));
      return { command: k.slice('cmdstat_'.length), calls: num(f.calls), usec: num(f.usec), usecPerCall: num(f.usec_per_call) };
    });
}

export interface ClientInfo {
  id: number;
  name: string;
  addr: string;
  age: number;
  idle: number;
  cmd: string;
  omem: number;
  totMem: number;
  qbuf: number;
  flags: string;
}

/** CLIENT LIST (or CLIENT LIST ID …) as records. */
export async function clientList(client: Redis, ...ids: number[]): Promise<ClientInfo[]> {
  const text = String(await client.call('CLIENT', 'LIST', ...(ids.length ? ['ID', ...ids.map(String)] : [])));
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const f: Record<string, string> = {};
      for (const part of line.split(' ')) {
        const i = part.indexOf('=');
        if (i > 0) f[part.slice(0, i)] = part.slice(i + 1);
      }
      return {
        id: num(f.id),
        name: f.name ?? '',
        addr: f.addr ?? '',
        age: num(f.age),
        idle: num(f.idle),
        cmd: f.cmd ?? '',
        omem: num(f.omem),
        totMem: num(f['tot-mem']),
        qbuf: num(f.qbuf),
        flags: f.flags ?? '',
      };
    });
}

export interface SlowEntry {
  id: number;
  at: number;
  micros: number;
  args: string[];
  client: string;
  name: string;
}

export async function slowlog(client: Redis, n = 10): Promise<SlowEntry[]> {
  const raw = (await client.call('SLOWLOG', 'GET', String(n))) as unknown[][];
  return raw.map((e) => ({
    id: Number(e[0]),
    at: Number(e[1]),
    micros: Number(e[2]),
    args: (e[3] as unknown[]).map(String),
    client: String(e[4] ?? ''),
    name: String(e[5] ?? ''),
  }));
}

export async function configGet(client: Redis, name: string): Promise<string> {
  const r = (await client.config('GET', name)) as string[];
  return r[1] ?? '';
}
