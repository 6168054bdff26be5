// tcpdump -n lines (`... IP 10.200.0.216.45678 > 10.200.0.82.3306: Flags [S], ...`) read as packets
// between a client and a server. The reply to the client's SYN is the proof: [S.] someone accepts,
// [R.] nobody listens there, nothing (only retransmitted SYNs) a firewall drops it (LAB-NOTES 8).
export interface Packet {
  readonly line: string;
  readonly from: string;
  readonly fromPort: string;
  readonly to: string;
  readonly toPort: string;
  /** tcpdump's flag letters: S, S., R, R., P., F., "." */
  readonly flags: string;
}

export type Reply = 'syn-ack' | 'rst' | 'none';

/** Addresses end in .PORT; greedy matching leaves the last dot-number as the port (IPv6 has colons). */
const PACKET = /\bIP6? (\S+)\.(\d+) > (\S+)\.(\d+): Flags \[([^\]]*)\]/;
const ANY_PACKET = /\bIP6? \S+ > \S+:/;

export const parsePackets = (stdout: string): { packets: Packet[]; lines: string[] } => {
  const lines = stdout.split('\n').map((line) => line.trimEnd()).filter((line) => ANY_PACKET.test(line));
  const packets = lines.flatMap((line) => {
    const match = PACKET.exec(line);
    return match ? [{ line, from: match[1]!, fromPort: match[2]!, to: match[3]!, toPort: match[4]!, flags: match[5]! }] : [];
  });
  return { packets, lines };
};

/**
 * The answer to the client's first SYN, on that SYN's own connection (its port): the client may
 * hold other connections to the same server and port at the same time (the app's own, another
 * check's), whose packets interleave with the trigger's.
 */
export const replyTo = (packets: readonly Packet[], client: string): Reply => {
  const syn = packets.findIndex((packet) => packet.from === client && packet.flags === 'S');
  if (syn < 0) return 'none';
  const { fromPort, to: server, toPort } = packets[syn]!;
  const answer = packets.slice(syn + 1).find((packet) =>
    packet.to === client && packet.toPort === fromPort && packet.from === server && packet.fromPort === toPort && (packet.flags.includes('S') || packet.flags.includes('R')));
  if (!answer) return 'none';
  return answer.flags.includes('R') ? 'rst' : 'syn-ack';
};

/** A packet to the client that answers a SYN, for waiting on tcpdump's output. */
export const replyPattern = (client: string): RegExp =>
  new RegExp(`> ${client.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\d+: Flags \\[(S\\.|R\\.?)\\]`);

export const captureFields = (stdout: string, client: string) => {
  const { packets, lines } = parsePackets(stdout);
  return {
    packets: lines.length,
    client_packets: packets.filter((packet) => packet.from === client).length,
    server_packets: packets.filter((packet) => packet.to === client).length,
    reply: replyTo(packets, client),
    lines: lines.join('\n'),
  };
};
