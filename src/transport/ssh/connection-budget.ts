// `--connections N`: at most N SSH connections open or being set up at once, across every host of
// the run. A host that needs one while all are taken waits; an idle connection (nothing running on
// it, no stream open) is closed for it, the one unused longest first, so a fleet larger than N is
// worked through without any host holding a connection it is not using, and without deadlock: a
// waiter only ever waits for a connection that is busy, and busy ones end (every command is bounded).

/** What the budget asks of a connection it may close. */
export interface BudgetedConnection {
  /** Nothing runs on it and no stream is open: closing it loses nothing. */
  isIdle(): boolean;
  /** When it last finished something (performance.now()): the longest unused goes first. */
  readonly lastUsedAt: number;
  /** Ends it without counting it as lost: its host may connect again later. */
  closeIdle(): void;
}

export class ConnectionBudget {
  private readonly holders = new Set<BudgetedConnection>();
  private readonly waiting: { readonly connection: BudgetedConnection; readonly grant: () => void }[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`the connection limit must be a positive integer, got ${limit}`);
  }

  /** Resolves once `connection` may connect: a place is free, or an idle connection was closed for it. */
  acquire(connection: BudgetedConnection): Promise<void> {
    if (this.holders.has(connection)) return Promise.resolve();
    if (this.holders.size < this.limit || this.evictIdle()) {
      this.holders.add(connection);
      return Promise.resolve();
    }
    return new Promise((grant) => this.waiting.push({ connection, grant }));
  }

  /** The connection ended, failed to connect or was closed: its place goes to the next waiter. Idempotent. */
  release(connection: BudgetedConnection): void {
    const at = this.waiting.findIndex((waiter) => waiter.connection === connection);
    if (at >= 0) this.waiting.splice(at, 1);
    if (!this.holders.delete(connection)) return;
    this.admitNext();
  }

  /**
   * A holder has just become idle: with someone waiting, it makes room. Not at once: the host's next
   * check usually follows in the same turn of the event loop (a dependent of the one that ended) and
   * keeps the connection it would otherwise have to make again.
   */
  noteIdle(connection: BudgetedConnection): void {
    if (this.waiting.length === 0) return;
    setImmediate(() => {
      if (this.waiting.length === 0 || !this.holders.has(connection) || !connection.isIdle()) return;
      this.holders.delete(connection);
      connection.closeIdle();
      this.admitNext();
    });
  }

  private admitNext(): void {
    const next = this.waiting.shift();
    if (!next) return;
    this.holders.add(next.connection);
    next.grant();
  }

  private evictIdle(): boolean {
    const idle = [...this.holders].filter((holder) => holder.isIdle()).sort((a, b) => a.lastUsedAt - b.lastUsedAt)[0];
    if (!idle) return false;
    this.holders.delete(idle);
    idle.closeIdle();
    return true;
  }
}
