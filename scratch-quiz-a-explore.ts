// scratch: run groups of command lines on a private server and print inline replies
import { readFileSync } from 'node:fs';
import { startPrivateServer } from './src/redis/private-server.js';
import { connectRedis } from './src/redis/connect.js';
import { Sandbox } from './src/redis/sandbox.js';
import { tokenize } from './src/redis/tokenize.js';
import { formatReplyInline } from './src/redis/format-reply.js';

const server = await startPrivateServer();
try {
  const conn = await connectRedis({ url: `${server.url}/9` });
  const sb = await Sandbox.open(conn, 'qa:');
  const groups = readFileSync(process.argv[2]!, 'utf8').split(/\n\s*\n/);
  for (const g of groups) {
    await sb.admin.flushdb();
    for (const line of g.split('\n').filter((l) => l.trim())) {
      const args = tokenize(sb.expand(line));
      const v = await sb.guard(args);
      const rec = await sb.exec(args, 'quiz');
      console.log(`${line}  =>  ${formatReplyInline(rec.reply, 1000)}${v.ok === true ? '' : `   [guard: ${JSON.stringify(v)}]`}`);
    }
    console.log('---');
  }
  await sb.close();
} finally {
  await server.stop();
}
