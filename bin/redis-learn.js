#!/usr/bin/env node
// Shim: the CLI lives in dist/cli.js (npm run build).
import { main } from '../dist/cli.js';

// Exit explicitly: a closed ioredis client can keep timers alive for seconds after the work is done.
main(process.argv).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`redis-learn: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
