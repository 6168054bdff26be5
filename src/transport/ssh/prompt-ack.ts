// A forwarded channel (direct-tcpip: a database or web stream from a host, or the connection to a
// host behind a jump host) has its TCP acknowledged at once. sshd leaves Nagle's algorithm on for
// every channel that is not a terminal, so it holds a small packet until the one before it is
// acknowledged, and Linux delays the acknowledgement of data it gets nothing to answer with by
// 40 ms. A stream's opening and its answer, or a jumped connection's reply and output, come as two
// small packets in a row: measured in the lab, a MariaDB greeting over `ssh -W` came 41-45 ms late
// in about half of the conversations and the login's answer in the rest (1 ms once acknowledged),
// and every command on a host behind the bastion took 39-43 ms instead of 8-10 ms.
//
// Node cannot ask the kernel for an immediate ACK (TCP_QUICKACK), so the client sends one packet of
// its own for each it receives there, which carries the ACK: a window adjustment of 0 bytes,
// which adds nothing (RFC 4254 §5.2) and which no server answers. ssh2 has no call for it: this
// reaches into ssh2 1.x's channel (its protocol, its channel id, its push), checked at run time,
// and does nothing where they are not found.
import type { Duplex } from 'node:stream';

interface ChannelInternals {
  readonly outgoing?: { readonly id?: unknown; readonly state?: unknown };
  readonly _client?: { readonly _protocol?: { readonly channelWindowAdjust?: unknown } };
  push: (chunk: unknown, encoding?: BufferEncoding) => boolean;
}

type WindowAdjust = (channel: number, bytes: number) => void;

/** Acknowledge, from now on, what arrives on `channel` (an ssh2 channel) as it arrives. */
export const acknowledgePromptly = (channel: Duplex): void => {
  const internals = channel as unknown as ChannelInternals;
  const protocol = internals._client?._protocol;
  const adjust = protocol?.channelWindowAdjust;
  const id = internals.outgoing?.id;
  if (typeof adjust !== 'function' || typeof id !== 'number') return;
  const acknowledge = (): void => {
    if (internals.outgoing?.state === 'open') (adjust as WindowAdjust).call(protocol, id, 0);
  };
  // The channel's confirmation has just come: the first packet that may hold up the next.
  acknowledge();
  const push = internals.push.bind(channel);
  internals.push = (chunk, encoding) => {
    if (chunk !== null) acknowledge();
    return push(chunk, encoding);
  };
};
