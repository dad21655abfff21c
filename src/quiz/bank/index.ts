// The question bank's registry: every topic file, in the order the guide and `quiz --list` show them.
import type { Topic } from '../types.js';
import { topic as fundamentals } from './fundamentals.js';
import { topic as dataTypes } from './data-types.js';
import { topic as expiryEviction } from './expiry-eviction.js';
import { topic as persistence } from './persistence.js';
import { topic as replicationSentinel } from './replication-sentinel.js';
import { topic as cluster } from './cluster.js';
import { topic as transactionsLua } from './transactions-lua.js';
import { topic as pipeliningPerformance } from './pipelining-performance.js';
import { topic as caching } from './caching.js';
import { topic as locks } from './locks.js';
import { topic as messaging } from './messaging.js';
import { topic as security } from './security.js';
import { topic as memoryOperations } from './memory-operations.js';
import { topic as modules } from './modules.js';
import { topic as systemDesign } from './system-design.js';

export const TOPICS: Topic[] = [
  fundamentals,
  dataTypes,
  expiryEviction,
  persistence,
  replicationSentinel,
  cluster,
  transactionsLua,
  pipeliningPerformance,
  caching,
  locks,
  messaging,
  security,
  memoryOperations,
  modules,
  systemDesign,
];
