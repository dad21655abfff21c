// The clients the patterns run on: a standalone ioredis connection or an ioredis Cluster.
import type { Cluster, Redis } from 'ioredis';

/** Any ioredis client a pattern accepts: a standalone connection or a Cluster. */
export type RedisClient = Redis | Cluster;

/** True when `redis` is an ioredis Cluster (it routes by hash slot, so multi-key commands need one slot). */
export function isCluster(redis: RedisClient): redis is Cluster {
  return (redis as { isCluster?: boolean }).isCluster === true;
}

/**
 * Puts `base` in braces unless it already has a hash tag, so keys derived from it (`{base}:fence`, …) land in one
 * slot of a Cluster. Standalone servers get `base` unchanged: key names stay what the caller chose.
 */
export function slotTagged(redis: RedisClient, base: string): string {
  if (!isCluster(redis) || /\{[^}]+\}/.test(base)) return base;
  return `{${base}}`;
}

/** Milliseconds to wait, for polling loops. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A random token that identifies one owner (of a lock, a claim, a request). */
export function randomToken(): string {
  return `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
