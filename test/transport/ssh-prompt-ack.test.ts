// A forwarded channel acknowledges what arrives at once (src/transport/ssh/prompt-ack.ts): one
// window adjustment of 0 bytes for its opening and for each chunk that comes, none after its end,
// and nothing at all from a channel whose ssh2 internals are not there.
import { createRequire } from 'node:module';
import { Duplex } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { acknowledgePromptly } from '../../src/transport/ssh/prompt-ack.js';

/** An ssh2 client's protocol as a channel reaches it, noting each window adjustment sent. */
const recordingClient = () => {
  const sent: [number, number][] = [];
  return { sent, client: { _protocol: { channelWindowAdjust: (id: number, bytes: number) => sent.push([id, bytes]) } } };
};

/** A stand-in for ssh2 1.x's channel: its id, its state and its client. */
const fakeChannel = (state = 'open') => {
  const { sent, client } = recordingClient();
  const channel = new Duplex({ read: () => undefined, write: (_chunk, _encoding, done) => done() });
  Object.assign(channel, { outgoing: { id: 7, state }, _client: client });
  return { channel, sent };
};

describe('a forwarded channel acknowledged promptly', () => {
  test('one empty window adjustment for the opening and one for each chunk, the data unchanged', async () => {
    const { channel, sent } = fakeChannel();
    acknowledgePromptly(channel);
    expect(sent).toEqual([[7, 0]]);
    channel.push(Buffer.from('greeting'));
    channel.push(Buffer.from('answer'));
    expect(sent).toEqual([[7, 0], [7, 0], [7, 0]]);
    channel.push(null);
    expect(sent).toHaveLength(3);
    const read: Buffer[] = [];
    for await (const chunk of channel) read.push(chunk as Buffer);
    expect(Buffer.concat(read).toString()).toBe('greetinganswer');
  });

  test("ssh2's own channel has what it reaches into (a newer ssh2 that renamed them fails here)", () => {
    const { Channel } = createRequire(import.meta.url)('ssh2/lib/Channel.js') as { Channel: new (client: unknown, info: unknown) => Duplex };
    const { sent, client } = recordingClient();
    const side = { id: 3, window: 2 ** 21, packetSize: 32768, state: 'open' };
    const channel = new Channel(client, { type: 'direct-tcpip', incoming: { ...side }, outgoing: { ...side, id: 9 } });
    acknowledgePromptly(channel);
    channel.push(Buffer.from('answer'));
    expect(sent).toEqual([[9, 0], [9, 0]]);
  });

  test('nothing once the channel is no longer open', () => {
    const { channel, sent } = fakeChannel('closing');
    acknowledgePromptly(channel);
    channel.push(Buffer.from('late'));
    expect(sent).toEqual([]);
  });

  test('a channel without ssh2 1.x internals is left as it is', () => {
    const channel = new Duplex({ read: () => undefined, write: (_chunk, _encoding, done) => done() });
    expect(() => acknowledgePromptly(channel)).not.toThrow();
    // Its push is still Readable's own, not one set on the channel.
    expect(Object.hasOwn(channel, 'push')).toBe(false);
  });
});
