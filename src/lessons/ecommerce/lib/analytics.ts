// The shop's analytics in the lesson: daily metrics and a funnel in hashes, top products in a sorted set, one pipeline per visit.
import type { Redis } from 'ioredis';
import { execAll } from '../../../patterns/index.js';

export const FUNNEL_STAGES = ['viewed', 'added_to_cart', 'checkout', 'purchased'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

export interface AnalyticsKeys {
  /** Hash: page_views, orders, revenue. */
  metrics: string;
  /** Hash: one counter per funnel stage. */
  funnel: string;
  /** Sorted set: product → revenue. */
  topProducts: string;
}

export interface Visit {
  /** How far down the funnel this visit went. */
  reached: FunnelStage;
  pageViews: number;
  product: string;
  price: number;
}

/**
 * Records one visit in one pipeline: HINCRBY for counts, HINCRBYFLOAT for revenue (integer cents with
 * HINCRBY avoid float rounding entirely; both are shown), ZINCRBY for the product ranking.
 */
export async function recordVisit(redis: Redis, keys: AnalyticsKeys, visit: Visit): Promise<void> {
  const p = redis.pipeline();
  p.hincrby(keys.metrics, 'page_views', visit.pageViews);
  const last = FUNNEL_STAGES.indexOf(visit.reached);
  for (let i = 0; i <= last; i++) p.hincrby(keys.funnel, FUNNEL_STAGES[i]!, 1);
  if (visit.reached === 'purchased') {
    p.hincrby(keys.metrics, 'orders', 1);
    p.hincrbyfloat(keys.metrics, 'revenue', visit.price);
    p.hincrby(keys.metrics, 'revenue_cents', Math.round(visit.price * 100));
    p.zincrby(keys.topProducts, visit.price, visit.product);
  }
  await execAll(p);
}

export interface FunnelRow {
  stage: FunnelStage;
  count: number;
  /** Share of the previous stage, 0..1 (1 for the first). */
  fromPrevious: number;
  /** Share of the first stage, 0..1. */
  fromStart: number;
}

export async function funnelReport(redis: Redis, funnelKey: string): Promise<FunnelRow[]> {
  const counts = (await redis.hmget(funnelKey, ...FUNNEL_STAGES)).map((v) => Number(v ?? 0));
  return FUNNEL_STAGES.map((stage, i) => ({
    stage,
    count: counts[i]!,
    fromPrevious: i === 0 ? 1 : counts[i - 1] ? counts[i]! / counts[i - 1]! : 0,
    fromStart: counts[0] ? counts[i]! / counts[0] : 0,
  }));
}
