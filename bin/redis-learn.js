#!/usr/bin/env node
// Shim: the CLI lives in dist/cli.js (npm run build).
import { main } from '../dist/cli.js';

// Exit explicitly (a closed ioredis client can keep timers alive for seconds), but only once stdout and
// stderr have drained: a large --json object piped to another program must arrive whole.
function finish(code) {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv).then(finish, (err) => {
  process.stderr.write(`redis-learn: ${err instanceof Error ? err.message : String(err)}\n`);
  finish(1);
});
