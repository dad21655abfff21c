// The lesson's stand-in for the storage a lock protects: a hash holding a value and the fence it was written with.
// It refuses a write whose fence is lower than the highest it has seen, which is what makes a lock with fencing
// tokens safe when a holder is paused past its TTL. (A real store does the same compare: in SQL,
// UPDATE … SET value = ?, fence = ? WHERE id = ? AND fence <= ?.)
import { defineScript, type RedisClient } from '../../../patterns/index.js';

/** KEYS[1] the record (hash: value, fence); ARGV fence, value. 1 when written, 0 when refused. */
const FENCED_WRITE = defineScript<number>(
  'locks_fenced_write',
  1,
  `local seen = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
if tonumber(ARGV[1]) < seen then return 0 end
redis.call('HSET', KEYS[1], 'value', ARGV[2], 'fence', ARGV[1])
return 1`,
);

/** Writes `value` with `fence`, unless the record already holds a write with a higher fence. */
export async function fencedWrite(redis: RedisClient, key: string, fence: number, value: string): Promise<boolean> {
  return Number(await FENCED_WRITE.run(redis, [key], [fence, value])) === 1;
}
