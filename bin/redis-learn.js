#!/usr/bin/env node
// Shim: the CLI lives in dist/cli.js (npm run build).
import { main } from '../dist/cli.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`redis-learn: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
