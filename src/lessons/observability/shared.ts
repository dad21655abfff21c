// The misbehaving shop the observability lesson diagnoses: its key names, its sizes, the traffic its app sends, and
// the lab's config defaults every setup puts back. Values the prose quotes reach it through the lesson's vars.

/** Key names under the namespace. */
export const K = {
  /** The key with the most elements: 100k short event ids in a list (about 0.5 MB). */
  events: 'observability:events',
  /** The key using the most memory: 4,000 rendered fragments of ~700 bytes in a hash (about 3 MB). */
  render: 'observability:render-cache',
  product: (id: number) => `observability:product:${id}`,
  session: (i: number) => `observability:session:${i}`,
  page: (i: number) => `observability:cache:page:${i}`,
  otp: (i: number) => `observability:otp:${i}`,
  answer: (name: string) => `observability:answer:${name}`,
  /** Where the notification demo's short-lived keys go. */
  flash: (i: number) => `observability:flash:${i}`,
} as const;

export const EVENTS = 100_000;
export const RENDER_FIELDS = 4_000;
export const RENDER_VALUE_BYTES = 700;
export const PRODUCTS = { first: 1001, last: 1400 } as const;
/** The products the shop's home page shows: the hot key is one of them. */
export const FEATURED = [1017, 1042, 1188, 1203, 1311, 1376] as const;
export const HOT_PRODUCT = 1188;
export const SESSIONS = 1_500;
/** One session in SESSION_NO_TTL_EVERY was written by the login path that forgot its EX. */
export const SESSION_NO_TTL_EVERY = 5;
export const PAGES = 600;

/** The web app's batch: GETs of the hot key, of the featured products, of cached pages, and of pages not cached. */
export const BATCH = { hot: 25, featured: 3, pageHits: 2, pageMisses: 11 } as const;
export const BATCH_HITS = BATCH.hot + BATCH.featured + BATCH.pageHits;
export const BATCH_LOOKUPS = BATCH_HITS + BATCH.pageMisses;
/** The hit ratio the app's traffic makes: hits / (hits + misses). */
export const EXPECTED_HIT_RATIO = BATCH_HITS / BATCH_LOOKUPS;
/** The web app's pause between batches. */
export const WEB_PAUSE_MS = 4;
/** The report job runs its slow SORT this often. */
export const REPORT_EVERY_MS = 700;
/** The slow command, as the report job sends it (with the events key first). */
export const SLOW_COMMAND = ['SORT', 'ALPHA', 'LIMIT', '0', '10'] as const;
/**
 * The feed: bursts when the reader connects until the server holds some of it (at most FEED_FILL_MAX_BYTES), then one
 * message per tick while the reader's buffer is under the cap (the pub/sub soft limit is 8 MB for 60 s).
 */
export const FEED_MESSAGE_BYTES = 16 * 1024;
export const FEED_BURST = 32;
export const FEED_FILL_MAX_BYTES = 16 * 1024 * 1024;
export const FEED_EVERY_MS = 250;
export const FEED_CAP_BYTES = 4 * 1024 * 1024;
export const FEED_CHANNEL = 'observability:feed';

/** The app's connection names, as CLIENT LIST shows them. */
export const NAMES = { web: 'web-app', report: 'report-job', reader: 'feed-reader', publisher: 'feed-publisher' } as const;

/** The lab's defaults for every setting the lesson changes (a fresh Redis 7 node). */
export const DEFAULTS = {
  'slowlog-log-slower-than': '10000',
  'slowlog-max-len': '128',
  'latency-monitor-threshold': '0',
  'maxmemory-policy': 'noeviction',
  'notify-keyspace-events': '',
} as const;

/** The slow-log threshold the slowlog exercise asks for, in microseconds (10 ms). */
export const SLOWLOG_THRESHOLD_US = 10_000;
/** The latency monitor's threshold the latency step sets, in milliseconds. */
export const LATENCY_THRESHOLD_MS = 20;
/** The notification demo: keys, and the TTL range they get. */
export const FLASH_KEYS = 20;
export const FLASH_TTL_MS = { min: 200, max: 800 } as const;
