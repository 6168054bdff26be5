// The per-connection channel cap: never more than the limit at once, waiters served in arrival
// order, and a waiter that is aborted leaves the queue without taking a slot.
import { describe, expect, test } from 'vitest';
import { ChannelQueue } from '../../src/transport/ssh/channel-queue.js';

describe('ChannelQueue', () => {
  test('caps concurrency and serves waiters first come, first served', async () => {
    const queue = new ChannelQueue(2);
    const order: number[] = [];
    let peak = 0;
    await Promise.all(Array.from({ length: 7 }, async (_, i) => {
      const release = await queue.acquire();
      order.push(i);
      peak = Math.max(peak, queue.inUse);
      await new Promise((resolve) => setTimeout(resolve, 5));
      release();
      release(); // a second release is harmless
    }));
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(queue.inUse).toBe(0);
  });

  test('an aborted waiter rejects and gives its turn to the next', async () => {
    const queue = new ChannelQueue(1);
    const first = await queue.acquire();
    const controller = new AbortController();
    const aborted = queue.acquire(controller.signal);
    const next = queue.acquire();
    controller.abort(new Error('stopped'));
    await expect(aborted).rejects.toThrow('stopped');
    first();
    (await next)();
    expect(queue.inUse).toBe(0);
  });

  test('rejectAll fails every waiter', async () => {
    const queue = new ChannelQueue(1);
    await queue.acquire();
    const waiting = queue.acquire();
    queue.rejectAll(new Error('closed'));
    await expect(waiting).rejects.toThrow('closed');
  });

  test('a limit below one is a programming error', () => {
    expect(() => new ChannelQueue(0)).toThrow(RangeError);
  });
});
