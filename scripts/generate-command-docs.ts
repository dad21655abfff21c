// Regenerates assets/command-docs.json (the fallback syntax hints) from a Redis 7+ server: tsx scripts/generate-command-docs.ts [url]
import { writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { parseDoc } from '../src/redis/command-docs.js';
import { startPrivateServer } from '../src/redis/private-server.js';

const server = process.argv[2] ? null : await startPrivateServer();
const client = new Redis(process.argv[2] ?? server!.url);
const reply = (await client.call('COMMAND', 'DOCS')) as unknown[];
const out: Record<string, unknown> = {};
for (let i = 0; i < reply.length; i += 2) {
  const name = String(reply[i]);
  out[name] = parseDoc(name, reply[i + 1] as unknown[]);
}
const sorted = Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(new URL('../assets/command-docs.json', import.meta.url), `${JSON.stringify(sorted, null, 1)}\n`);
console.log(`wrote ${Object.keys(sorted).length} commands`);
client.disconnect();
await server?.stop();
