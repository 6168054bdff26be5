// --connections: at most N connections open or being set up; a waiter gets the place of one that
// ends, or of an idle one (the one unused longest), never of a busy one.
import { describe, expect, test } from 'vitest';
import { ConnectionBudget, type BudgetedConnection } from '../../src/transport/ssh/connection-budget.js';

class Fake implements BudgetedConnection {
  idle = false;
  closedIdle = false;
  constructor(readonly name: string, public lastUsedAt = 0) {}
  isIdle(): boolean {
    return this.idle && !this.closedIdle;
  }
  closeIdle(): void {
    this.closedIdle = true;
  }
}

const settled = async (promise: Promise<void>): Promise<boolean> => {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('ConnectionBudget', () => {
  test('up to the limit at once; the next waits for a place that is released', async () => {
    const budget = new ConnectionBudget(2);
    const [a, b, c] = [new Fake('a'), new Fake('b'), new Fake('c')];
    expect(await settled(budget.acquire(a))).toBe(true);
    expect(await settled(budget.acquire(b))).toBe(true);
    const third = budget.acquire(c);
    expect(await settled(third)).toBe(false);
    budget.release(a);
    expect(await settled(third)).toBe(true);
    budget.release(a); // twice is harmless
    expect(await settled(budget.acquire(new Fake('d')))).toBe(false);
  });

  test('a busy connection is never closed; an idle one is, the one unused longest first', async () => {
    const budget = new ConnectionBudget(2);
    const recent = new Fake('recent', 200);
    const older = new Fake('older', 100);
    await budget.acquire(recent);
    await budget.acquire(older);
    expect(await settled(budget.acquire(new Fake('busy-wait')))).toBe(false);
    recent.idle = true;
    older.idle = true;
    expect(await settled(budget.acquire(new Fake('next')))).toBe(true);
    expect([recent.closedIdle, older.closedIdle]).toEqual([false, true]);
  });

  test('a holder that becomes idle makes room for a waiter', async () => {
    const budget = new ConnectionBudget(1);
    const first = new Fake('first');
    await budget.acquire(first);
    const waiter = budget.acquire(new Fake('waiter'));
    expect(await settled(waiter)).toBe(false);
    first.idle = true;
    budget.noteIdle(first);
    expect(await settled(waiter)).toBe(true);
    expect(first.closedIdle).toBe(true);
  });

  test('a holder that is busy again by the next turn of the event loop keeps its connection', async () => {
    const budget = new ConnectionBudget(1);
    const first = new Fake('first');
    await budget.acquire(first);
    const waiter = budget.acquire(new Fake('waiter'));
    first.idle = true;
    budget.noteIdle(first);
    first.idle = false; // its host's next check started at once
    expect(await settled(waiter)).toBe(false);
    expect(first.closedIdle).toBe(false);
  });

  test('a limit below 1 is refused', () => {
    expect(() => new ConnectionBudget(0)).toThrow(RangeError);
  });
});
