// Startup benchmark: median wall time of `redis-learn --help` against bare `node -e 0`, measured in the same run.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../bin/redis-learn.js', import.meta.url));
const runs = Number(process.env.RUNS ?? 15);

function median(cmd) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, cmd, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited ${r.status}`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

median(['-e', '0']); // warm the file cache
const bare = median(['-e', '0']);
const help = median([cli, '--help']);
const lessons = median([cli, 'lessons', '--json']);
console.log(`runs per command: ${runs}`);
console.log(`node -e 0                 ${bare.toFixed(1)} ms (reference)`);
console.log(`redis-learn --help        ${help.toFixed(1)} ms  = ${(help / bare).toFixed(2)} × node`);
console.log(`redis-learn lessons --json ${lessons.toFixed(1)} ms  = ${(lessons / bare).toFixed(2)} × node`);
