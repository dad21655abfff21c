// Lesson 4 (Expert): a shop on Redis — sessions, carts, caching, inventory, recommendations, limits, sales,
// notifications, geo, search, analytics. Metadata and step order here; behaviour in the section files, prose in
// ecommerce.md.
import { defineLesson } from '../../engine/prose.js';
import { analyticsSteps } from './analytics.js';
import { catalogueCacheSteps } from './catalogue-cache.js';
import { flashSaleSteps } from './flash-sale.js';
import { inventorySteps } from './inventory.js';
import { notificationSteps } from './notifications.js';
import { rateLimitSteps } from './rate-limit.js';
import { recommendationSteps } from './recommendations.js';
import { searchSteps } from './search.js';
import { sessionSteps } from './sessions.js';
import {
  BUYERS,
  CART_RACE_CLIENTS,
  DB_DELAY_MS,
  FLASH_CLIENTS,
  FLASH_PER_USER,
  FLASH_USERS,
  RACE_GUEST_CART,
  RACE_USER_CART,
  RATE_EXERCISE_KEY,
  STAMPEDE_CLIENTS,
  sumOf,
  UNITS,
} from './shop.js';
import { storeSteps } from './stores.js';

export { RATE_GAP_KEY } from './shop.js';

export const ecommerceLesson = defineLesson({
  id: 'ecommerce',
  level: 'Expert',
  minutes: 50,
  summary:
    'An online shop end to end: sessions with a sliding TTL, carts merged atomically at login, a coupon field with its ' +
    'own TTL (Redis 7.4+), cache-aside with jitter and a stampede lock, inventory that never oversells (50 buyers, ' +
    '10 units), recommendations and similar products (vector sets, Redis 8), rate limits that always expire, a flash ' +
    'sale with a per-user limit, notifications over streams and pub/sub, stores near me, autocomplete and facets, and ' +
    'analytics with HyperLogLog.',
  keys: [
    'session:*',
    'cart:*',
    'product:*',
    'cache:*',
    'search:*',
    'lock:*',
    'inventory:*',
    'reservations:*',
    'views:*',
    'also_viewed:*',
    'recent_views:*',
    'recs:*',
    'vectors:*',
    'rate:*',
    'failed_login:*',
    'blocked_ip:*',
    'flash_sale:*',
    'notifications:*',
    'stores:*',
    'autocomplete:*',
    'facet:*',
    'visitors:*',
    'daily_metrics:*',
    'funnel:*',
    'top_products:*',
  ],
  prose: new URL('./ecommerce.md', import.meta.url),
  vars: {
    cartRaceClients: CART_RACE_CLIENTS,
    otherTabs: CART_RACE_CLIENTS - 1,
    guestUnits: sumOf(RACE_GUEST_CART),
    userUnits: sumOf(RACE_USER_CART),
    mergedUnits: sumOf(RACE_GUEST_CART) + sumOf(RACE_USER_CART),
    dbDelayMs: DB_DELAY_MS,
    stampedeClients: STAMPEDE_CLIENTS,
    buyers: BUYERS,
    units: UNITS,
    flashUsers: FLASH_USERS,
    flashClients: FLASH_CLIENTS,
    flashPerUser: FLASH_PER_USER,
    flashMaxUnits: FLASH_USERS * FLASH_PER_USER,
    rateKey: RATE_EXERCISE_KEY,
  },
  steps: [
    { id: 'shop-map', kind: 'explain' },
    ...sessionSteps,
    ...catalogueCacheSteps,
    ...inventorySteps,
    ...recommendationSteps,
    ...rateLimitSteps,
    ...flashSaleSteps,
    ...notificationSteps,
    ...storeSteps,
    ...searchSteps,
    ...analyticsSteps,
    { id: 'wrap-up', kind: 'explain' },
  ],
});
