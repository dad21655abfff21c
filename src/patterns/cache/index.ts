// The caching patterns: cache-aside, write-through, write-behind, invalidation, hit statistics, client-side tracking.
export * from './aside.js';
export * from './write-through.js';
export * from './write-behind.js';
export * from './invalidation.js';
export * from './stats.js';
export * from './tracking.js';
