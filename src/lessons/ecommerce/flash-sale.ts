// The flash sale: a hash that ends when its key expires, and the race in which a bot's parallel requests get past a
// per-user limit checked in the app but not past the purchase script.
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { flashBuyNaive } from '../../antipatterns/flash-sale.js';
import { flashBuy, startFlashSale, unitsSold } from '../../patterns/index.js';
import { FLASH_CLIENTS, FLASH_PER_USER, FLASH_USERS } from './shop.js';

export const flashSaleSteps: StepSpec[] = [
  {
    id: 'flash-sale',
    kind: 'run',
    commands: [
      'HSET {ns}flash_sale:current product PROD-77 price 19.99 stock 100 per_user 2',
      'EXPIRE {ns}flash_sale:current 3600',
      'HGETALL {ns}flash_sale:current',
      'TTL {ns}flash_sale:current',
    ],
  },
  {
    id: 'flash-sale-race',
    kind: 'race',
    clients: FLASH_CLIENTS,
    variants: [
      {
        label: 'HGET checks, then HINCRBY (client side)',
        atomic: false,
        setup: (ctx) => setupFlashRace(ctx, 'naive'),
        async worker(client, i, ctx) {
          await flashBuyNaive(client, ctx.key('flash_sale:race-naive'), `user-${i % FLASH_USERS}`);
        },
        measure: (ctx) => measureFlashRace(ctx, 'naive'),
      },
      {
        label: 'Lua purchase script',
        atomic: true,
        setup: (ctx) => setupFlashRace(ctx, 'lua'),
        async worker(client, i, ctx) {
          await flashBuy(client, ctx.key('flash_sale:race-lua'), `user-${i % FLASH_USERS}`);
        },
        measure: (ctx) => measureFlashRace(ctx, 'lua'),
      },
    ],
  },
];

async function setupFlashRace(ctx: LessonContext, variant: string): Promise<void> {
  const sale = ctx.key(`flash_sale:race-${variant}`);
  const buyers = ctx.key(`flash_sale:race-${variant}:buyers`);
  await ctx.claim([sale, buyers]);
  await startFlashSale(ctx.unrecorded, sale, { product: 'PROD-77', price: '19.99', stock: 100, perUser: FLASH_PER_USER }, 3_600_000);
}

async function measureFlashRace(ctx: LessonContext, variant: string) {
  const buyers = await ctx.unrecorded.hgetall(ctx.key(`flash_sale:race-${variant}:buyers`));
  ctx.say(`${variant === 'lua' ? 'script' : 'client-side checks'}: bought per shopper ${JSON.stringify(buyers)}`);
  return {
    expected: FLASH_USERS * FLASH_PER_USER,
    actual: await unitsSold(ctx.unrecorded, ctx.key(`flash_sale:race-${variant}`)),
    unit: 'units sold',
  };
}
