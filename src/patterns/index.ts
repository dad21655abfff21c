// redis-learn/patterns: production Redis patterns, correct under concurrency, over an ioredis client.
// The public entry: lessons and learners import from here only.

// Foundations: clients, Lua scripts, MULTI/EXEC, the SCAN walker.
export * from './client.js';
export * from './lua.js';
export * from './transaction.js';
export * from './scan.js';

// Coordination: locks, optimistic updates, idempotency, rate limits.
export * from './lock.js';
export * from './optimistic.js';
export * from './idempotency.js';
export * from './rate-limit/index.js';

// Caching.
export * from './cache/index.js';

// Queues and messaging.
export * from './queue/index.js';
export * from './pubsub.js';
export * from './notifications.js';

// State: sessions, carts, stock, flash sales, counters, feature flags.
export * from './session.js';
export * from './cart.js';
export * from './inventory.js';
export * from './flash-sale.js';
export * from './counter.js';
export * from './feature-flags.js';

// Rankings, feeds and relationships.
export * from './leaderboard.js';
export * from './trending.js';
export * from './timeline.js';
export * from './feed.js';
export * from './recently-viewed.js';
export * from './autocomplete.js';
export * from './graph.js';
export * from './geo.js';

// Counting and module-backed structures (a core implementation when the module is absent).
export * from './hyperloglog.js';
export * from './modules.js';
export * from './bloom.js';
export * from './json-document.js';
export * from './search.js';
export * from './timeseries.js';
