// For authors: the CLI straight from src/ (no build), e.g. `npx tsx scripts/dev.ts lesson persistence --auto`.
import { main } from '../src/cli.js';

main(process.argv).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`redis-learn: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
