// A wait for one event that also ends when its time is up or the run is interrupted: each phase
// of a conversation with a MySQL server (mysql-session.ts, mysql-stalled.ts) is bounded so.

export type Timed<T> = { readonly value: T } | { readonly timedOut: true } | { readonly aborted: true };

/** The first of: the event `wait` reports, `ms` passing, the run being interrupted. */
export const within = <T>(ms: number, signal: AbortSignal, wait: (done: (value: T) => void) => void): Promise<Timed<T>> =>
  new Promise((resolve) => {
    let settled = false;
    const finish = (result: Timed<T>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = (): void => finish({ aborted: true });
    const timer = setTimeout(() => finish({ timedOut: true }), Math.max(1, ms));
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    wait((value) => finish({ value }));
  });
