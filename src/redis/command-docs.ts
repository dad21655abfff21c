// Command syntax hints from the live server's COMMAND DOCS (Redis 7+), with a bundled fallback for older servers.
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

export interface CommandDoc {
  summary: string;
  since: string;
  group: string;
  complexity: string;
  syntax: string;
}

type Flat = unknown[];

function toObject(flat: Flat): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) o[String(flat[i])] = flat[i + 1];
  return o;
}

function renderArg(raw: Flat): string {
  const a = toObject(raw);
  const flags = (a.flags as string[] | undefined) ?? [];
  const token = a.token ? String(a.token) : '';
  const name = String(a.name ?? '');
  let body: string;
  const children = (a.arguments as Flat[] | undefined) ?? [];
  if (a.type === 'pure-token') body = token;
  else if (a.type === 'oneof') body = children.map(renderArg).join(' | ');
  else if (a.type === 'block') body = children.map(renderArg).join(' ');
  else body = token ? `${token} ${name}` : name;
  if (a.type === 'oneof' && !flags.includes('optional')) body = `<${body}>`;
  if (flags.includes('multiple')) body = `${body} [${body} ...]`;
  if (flags.includes('optional')) body = `[${body}]`;
  return body;
}

/** Parses one entry of COMMAND DOCS' reply into a one-line summary and syntax. */
export function parseDoc(name: string, flat: Flat): CommandDoc {
  const d = toObject(flat);
  const args = ((d.arguments as Flat[] | undefined) ?? []).map(renderArg).join(' ');
  return {
    summary: String(d.summary ?? ''),
    since: String(d.since ?? ''),
    group: String(d.group ?? ''),
    complexity: String(d.complexity ?? ''),
    syntax: `${name.toUpperCase()}${args ? ` ${args}` : ''}`,
  };
}

let fallback: Record<string, CommandDoc> | null = null;

function bundled(): Record<string, CommandDoc> {
  if (!fallback) {
    try {
      fallback = JSON.parse(readFileSync(new URL('../../assets/command-docs.json', import.meta.url), 'utf8')) as Record<string, CommandDoc>;
    } catch {
      fallback = {};
    }
  }
  return fallback;
}

const cache = new Map<string, CommandDoc | null>();

/** Docs for a command ("set", "client kill"): the server's own, else the bundled copy, else null. */
export async function commandDoc(client: Redis, name: string): Promise<CommandDoc | null> {
  const key = name.toLowerCase();
  if (cache.has(key)) return cache.get(key)!;
  let doc: CommandDoc | null = null;
  try {
    const reply = (await client.call('COMMAND', 'DOCS', ...key.split(' ').slice(0, 1))) as Flat;
    if (reply.length >= 2) {
      doc = parseDoc(String(reply[0]), reply[1] as Flat);
      const sub = key.split(' ')[1];
      if (sub) {
        const subs = toObject(reply[1] as Flat).subcommands as Flat | undefined;
        const subObj = subs ? toObject(subs) : {};
        const subDoc = subObj[`${key.split(' ')[0]}|${sub}`] as Flat | undefined;
        doc = subDoc ? parseDoc(key, subDoc) : doc;
      }
    }
  } catch {
    // Servers before 7.0 have no COMMAND DOCS.
  }
  doc ??= bundled()[key] ?? null;
  cache.set(key, doc);
  return doc;
}
