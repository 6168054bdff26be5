// The one shape of "a value, or why there is none", from loading a runbook to reading a tool's
// output: `ok` tells them apart, so no caller guesses from which properties happen to be there.

export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

export interface Failed<E> {
  readonly ok: false;
  readonly error: E;
}

export type Result<T, E = string> = Ok<T> | Failed<E>;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });

export const failed = <E>(error: E): Failed<E> => ({ ok: false, error });
