// Pub/sub: fire-and-forget messages to whoever is subscribed right now; nothing is stored for anyone away.
import type { Redis } from 'ioredis';
import type { RedisClient } from './client.js';

/** A message as a subscription received it, with when it arrived (performance.now()). */
export interface ChannelMessage {
  message: string;
  at: number;
}

/** A subscription to one channel: take messages with `next`, stop with `close`. */
export interface ChannelSubscription {
  readonly channel: string;
  /** The next message on the channel (queued ones first), or null after `timeoutMs` or once closed. */
  next(timeoutMs: number): Promise<ChannelMessage | null>;
  /** Every message received and not yet taken by `next`. */
  drain(): ChannelMessage[];
  /** Unsubscribes: messages published from now on are not received (and not kept anywhere). */
  close(): Promise<void>;
}

/**
 * Publishes `message` on `channel`; returns how many subscribers received it (0 means it is gone: pub/sub keeps
 * nothing; use a stream when messages must survive a subscriber being away).
 */
export async function publishMessage(redis: RedisClient, channel: string, message: string): Promise<number> {
  return redis.publish(channel, message);
}

/**
 * Subscribes `sub` to `channel` and queues what arrives until `next` takes it. Give it a connection of its own: on
 * RESP2 a subscribed connection may only (un)subscribe and ping. Messages published before SUBSCRIBE returned are never
 * received. One subscription per channel per connection (close() unsubscribes the channel for the connection).
 */
export async function subscribeChannel(sub: Redis, channel: string): Promise<ChannelSubscription> {
  const queue: ChannelMessage[] = [];
  const waiters: ((m: ChannelMessage | null) => void)[] = [];
  let closed = false;
  const onMessage = (ch: string, message: string) => {
    if (ch !== channel || closed) return;
    const m = { message, at: performance.now() };
    const waiter = waiters.shift();
    if (waiter) waiter(m);
    else queue.push(m);
  };
  // Listen before subscribing, so a message arriving right after the SUBSCRIBE reply is not missed.
  sub.on('message', onMessage);
  try {
    await sub.subscribe(channel);
  } catch (err) {
    sub.off('message', onMessage);
    throw err;
  }
  return {
    channel,
    next(timeoutMs) {
      if (queue.length) return Promise.resolve(queue.shift()!);
      if (closed) return Promise.resolve(null);
      return new Promise((resolve) => {
        const waiter = (m: ChannelMessage | null) => {
          clearTimeout(timer);
          resolve(m);
        };
        const timer = setTimeout(() => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) waiters.splice(i, 1);
          resolve(null);
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    drain: () => queue.splice(0),
    async close() {
      if (closed) return;
      closed = true;
      sub.off('message', onMessage);
      for (const w of waiters.splice(0)) w(null);
      await sub.unsubscribe(channel);
    },
  };
}
