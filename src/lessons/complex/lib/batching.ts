// The same N writes sent four ways: one round trip each, MULTI one by one, a pipeline, MULTI inside a pipeline.
import type { Redis } from 'ioredis';

export type BatchWay = 'round-trips' | 'multi-unpipelined' | 'pipeline' | 'multi-pipelined';

export interface BatchRun {
  way: BatchWay;
  commands: number;
  /** Request/reply exchanges the client waited for. */
  roundTrips: number;
  /** Redis runs the batch with no other client's command in between. */
  atomic: boolean;
  ms: number;
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

/** Sends `n` INCRs of `key` the given way and times it. */
export async function incrementBatch(redis: Redis, key: string, n: number, way: BatchWay): Promise<BatchRun> {
  const start = now();
  let roundTrips = n;
  let atomic = false;
  switch (way) {
    case 'round-trips':
      // Each await is a full trip to the server and back before the next command leaves.
      for (let i = 0; i < n; i++) await redis.incr(key);
      break;
    case 'multi-unpipelined':
      // MULTI only queues commands server-side; sent one at a time, each still waits for its QUEUED.
      await redis.call('MULTI');
      for (let i = 0; i < n; i++) await redis.call('INCR', key);
      await redis.call('EXEC');
      roundTrips = n + 2;
      atomic = true;
      break;
    case 'pipeline': {
      // All commands leave in one write; other clients' commands may run between them.
      const p = redis.pipeline();
      for (let i = 0; i < n; i++) p.incr(key);
      await p.exec();
      roundTrips = 1;
      break;
    }
    case 'multi-pipelined': {
      // ioredis pipelines MULTI … EXEC by default: one trip, and the server runs the block as a unit.
      const tx = redis.multi();
      for (let i = 0; i < n; i++) tx.incr(key);
      await tx.exec();
      roundTrips = 1;
      atomic = true;
      break;
    }
  }
  return { way, commands: n, roundTrips, atomic, ms: now() - start };
}
