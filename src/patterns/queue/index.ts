// Queues: delayed jobs with visibility timeouts, stream consumer groups, reliable lists, priority sorted sets.
export * from './delayed.js';
export * from './streams.js';
export * from './reliable.js';
export * from './priority.js';
