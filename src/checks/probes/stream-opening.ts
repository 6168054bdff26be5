// What a stream opened from the check's host (transport openStream) tells a protocol kind before it
// speaks: how a connection that did not open failed, in tcp_connect's words, which way it went, and
// where sshd will not forward, the host's own tools asked instead.
import type { StreamFailure, StreamOpening } from '../../transport/types.js';
import type { Observation, ObserveContext } from '../types.js';
import { answered, type Answer, type Attempt, noAnswer, tryInOrder } from './attempts.js';

export type ConnectState = 'refused' | 'filtered' | 'unreachable';

/** A connection that did not open, as tcp_connect words it; other failures have no state (an error, or a fallback). */
export const CONNECT_STATES: Readonly<Partial<Record<StreamFailure, ConnectState>>> = { refused: 'refused', timeout: 'filtered', unreachable: 'unreachable' };

/** `ssh-forward` over a forwarded SSH channel, `socket` for a local host: the observed `tool` field. */
export const streamTool = (opening: StreamOpening): string => (opening.via.startsWith('ssh') ? 'ssh-forward' : 'socket');

/**
 * sshd would not forward: the host's own tools answer instead (a client, curl, openssl), tried in
 * order, and every outcome says first why they were asked. `fields` reads the answer into the kind's own.
 */
export const askedOnHost = async <T>(context: ObserveContext, attempts: readonly Attempt<T>[], why: string, fields: (answer: Answer<T>) => Observation['fields']): Promise<Observation> => {
  const result = await tryInOrder(context, attempts);
  if (!result.ok) return noAnswer({ ...result.error, notes: [why, ...result.error.notes] });
  const observation = answered(result.value, fields(result.value));
  return { ...observation, notes: [why, ...(observation.notes ?? [])] };
};
