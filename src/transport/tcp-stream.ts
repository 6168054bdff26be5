// Opening a TCP stream and naming how it failed, the same words for a local socket and for an SSH
// forwarded channel (whose failure is the remote sshd's strerror text), so a probe reads one
// vocabulary whichever host it runs from.
import { connect, type Socket } from 'node:net';
import type { StreamFailure, StreamOpening, StreamRequest } from './types.js';

const FAILURE_BY_CODE: Readonly<Record<string, StreamFailure>> = {
  ECONNREFUSED: 'refused',
  ETIMEDOUT: 'timeout',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EADDRNOTAVAIL: 'unreachable',
  ENOTFOUND: 'unresolved',
  EAI_AGAIN: 'unresolved',
  EAI_NONAME: 'unresolved',
};

/** OpenSSH forwards the strerror() of its own connect(), or a getaddrinfo message. */
const FAILURE_BY_TEXT: readonly (readonly [RegExp, StreamFailure])[] = [
  [/refused/i, 'refused'],
  [/timed out/i, 'timeout'],
  [/no route|unreachable|cannot assign requested address/i, 'unreachable'],
  [/unknown host|getaddrinfo|name or service not known|name resolution|no address associated/i, 'unresolved'],
  [/administratively prohibited|prohibited/i, 'prohibited'],
];

export const failureFromCode = (code: string | undefined): StreamFailure => (code && FAILURE_BY_CODE[code]) || 'other';

export const failureFromText = (text: string): StreamFailure => FAILURE_BY_TEXT.find(([pattern]) => pattern.test(text))?.[1] ?? 'other';

/**
 * Bounds an opening that may never answer (a dropped SYN) by `timeoutMs` and by the abort signal;
 * a stream that still arrives after the caller gave up is destroyed, so nothing stays open.
 */
export const boundedOpening = (request: StreamRequest, via: string, open: (settle: (opening: StreamOpening) => void) => () => void): Promise<StreamOpening> => {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (opening: StreamOpening): void => {
      if (settled) {
        if ('stream' in opening) opening.stream.destroy();
        return;
      }
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      resolve(opening);
    };
    const giveUp = (failure: StreamFailure, message: string): void => {
      cancel();
      settle({ failure, message, durationMs: elapsed(), via });
    };
    const onAbort = (): void => giveUp('other', 'interrupted before the connection opened');
    const timer = setTimeout(() => giveUp('timeout', `no answer within ${request.timeoutMs} ms`), request.timeoutMs);
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const cancel = open((opening) => settle({ ...opening, durationMs: elapsed() }));
    if (request.signal?.aborted) onAbort();
  });
};

/** A plain socket from this machine: what `local` hosts use. */
export const openSocket = (request: StreamRequest): Promise<StreamOpening> =>
  boundedOpening(request, `socket to ${request.host}:${request.port}`, (settle) => {
    const via = `socket to ${request.host}:${request.port}`;
    const socket: Socket = connect({ host: request.host, port: request.port });
    socket.setNoDelay(true);
    const onError = (error: NodeJS.ErrnoException): void => {
      settle({ failure: failureFromCode(error.code), message: error.message, durationMs: 0, via });
    };
    // Kept after connecting: settle() ignores it then, and the caller's own listeners see the error.
    socket.on('error', onError);
    socket.once('connect', () => settle({ stream: socket, durationMs: 0, via }));
    return () => socket.destroy();
  });

/** The streams a transport handed out and that are still open: close() destroys them. */
export class OpenStreams {
  private readonly open = new Set<{ destroy(): void }>();

  track(opening: StreamOpening): StreamOpening {
    if ('stream' in opening) {
      const { stream } = opening;
      this.open.add(stream);
      stream.once('close', () => this.open.delete(stream));
    }
    return opening;
  }

  destroyAll(): void {
    for (const stream of this.open) stream.destroy();
    this.open.clear();
  }
}
