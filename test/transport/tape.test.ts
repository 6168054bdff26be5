// The recording transport and the replay, on their own: what is kept of a stream (the far end's
// bytes, masked; only how many bytes we sent), how a replayed stream keeps turns, and how the
// replay hands out recordings (retries in order, the unknown refused by name, the unused listed).
import { Duplex } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { Recorder } from '../../src/transport/tape/record.js';
import { Tape, NOT_RECORDED } from '../../src/transport/tape/replay.js';
import type { RecordedAttempt } from '../../src/transport/tape/attempt.js';
import type { AttemptOrigin, CommandOutcome, StreamOpening, Transport } from '../../src/transport/types.js';

const origin: AttemptOrigin = { runbook: 'book.yaml', check: 'ask', host: 'db1', role: 'server' };
const mask = (text: string): string => text.replaceAll('s3cret', '***');

/** The far end of a stream: answers each write with `reply(written)`, and ends when told. */
const farEnd = (reply: (written: string) => string): { ours: Duplex; end: () => void } => {
  const ours = new Duplex({
    read: () => undefined,
    write: (chunk: Buffer, _encoding, done) => {
      ours.push(Buffer.from(reply(chunk.toString('latin1')), 'latin1'));
      done();
    },
  });
  return { ours, end: () => ours.push(null) };
};

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

const transportWith = (opening: () => StreamOpening, outcome?: CommandOutcome): Transport => ({
  description: 'db1 (root@10.0.0.1:22)',
  start: () => ({ result: Promise.resolve(outcome!), waitForOutput: () => Promise.resolve(false), stop: () => Promise.resolve() }),
  openStream: () => Promise.resolve(opening()),
  close: () => Promise.resolve(),
});

const read = (stream: Duplex): Promise<string> =>
  new Promise((resolve) => {
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    stream.on('end', () => resolve(text));
  });

describe('recording a stream', () => {
  test('keeps what the far end sent as turns, masked byte for byte, and only how many bytes we sent', async () => {
    const far = farEnd((written) => `echo ${written}`);
    const recorder = new Recorder(mask);
    const opening = await recorder.wrap(transportWith(() => ({ stream: far.ours, durationMs: 3, via: 'ssh -W' }))).openStream({ host: '10.0.0.2', port: 3306, timeoutMs: 1000, origin });
    if (!('stream' in opening)) throw new Error('no stream');
    const received = read(opening.stream);
    opening.stream.write('login s3cret');
    await tick();
    opening.stream.write('!');
    await tick();
    far.end();
    expect(await received).toBe('echo login s3cretecho !');
    opening.stream.destroy();
    const [attempt] = await recorder.attempts();
    expect(attempt).toMatchObject({ type: 'stream', origin, to: { host: '10.0.0.2', port: 3306 }, opening: { durationMs: 3, via: 'ssh -W' } });
    const steps = (attempt as Extract<RecordedAttempt, { type: 'stream' }>).exchange;
    const shown = steps.map((step) => ('received' in step ? { received: Buffer.from(step.received, 'base64').toString('latin1') } : step));
    expect(shown).toEqual([{ sent: 12 }, { received: 'echo login ***' }, { sent: 1 }, { received: 'echo !' }, { end: true }]);
  });

  test('keeps how long the far end took to answer, rounded up to 100 ms, from half a second on', async () => {
    const ours = new Duplex({ read: () => undefined, write: (_chunk, _encoding, done) => done() });
    const recorder = new Recorder(mask);
    const opening = await recorder.wrap(transportWith(() => ({ stream: ours, durationMs: 3, via: 'ssh -W' }))).openStream({ host: '10.0.0.2', port: 3306, timeoutMs: 1000, origin });
    if (!('stream' in opening)) throw new Error('no stream');
    opening.stream.resume();
    ours.push('quick'); // at once: no delay kept
    await tick();
    opening.stream.write('slow question');
    await tick(560);
    ours.push('late');
    await tick();
    ours.push(' answer'); // the same turn: one delay
    ours.push(null);
    await tick();
    opening.stream.destroy();
    const [attempt] = await recorder.attempts();
    const steps = (attempt as Extract<RecordedAttempt, { type: 'stream' }>).exchange;
    const shown = steps.map((step) => ('received' in step ? { ...step, received: Buffer.from(step.received, 'base64').toString('latin1') } : step));
    expect(shown).toEqual([{ received: 'quick' }, { sent: 13 }, { received: 'late answer', afterMs: expect.any(Number) }, { end: true }]);
    const { afterMs } = shown[2] as { afterMs: number };
    expect(afterMs % 100).toBe(0);
    expect(afterMs).toBeGreaterThanOrEqual(600);
  });
});

const command = (script: string, stdout: string, extra: Partial<Extract<RecordedAttempt, { type: 'command' }>> = {}): RecordedAttempt => ({
  type: 'command', origin, target: 'db1 (root@10.0.0.1:22)', startedAt: '2026-12-01T00:00:00.000Z', script, become: false,
  outcome: { exitCode: 0, signal: null, stdout, stderr: '', durationMs: 7 }, ...extra,
});

describe('recording commands', () => {
  test('a held command never released ran nothing and is not recorded; a released one is', async () => {
    const recorder = new Recorder(mask);
    const outcomes: CommandOutcome[] = [
      { exitCode: null, signal: null, stdout: '', stderr: '', durationMs: 0, termination: 'withheld' },
      { exitCode: 0, signal: null, stdout: 'ok\n', stderr: '', durationMs: 3 },
    ];
    const inner: Transport = { ...transportWith(() => ({ failure: 'other', message: '', durationMs: 0, via: '' })), start: () => ({ result: Promise.resolve(outcomes.shift()!), waitForOutput: () => Promise.resolve(false), stop: () => Promise.resolve() }) };
    const transport = recorder.wrap(inner);
    await transport.start({ script: 'nc never', timeoutMs: 1000, origin, heldUntil: Promise.resolve(false) }).result;
    await transport.start({ script: 'nc released', timeoutMs: 1000, origin, heldUntil: Promise.resolve(true) }).result;
    expect((await recorder.attempts()).map((attempt) => (attempt.type === 'command' ? attempt.script : ''))).toEqual(['nc released']);
  });
});

describe('the replay', () => {
  test('hands out the recordings of one attempt in order (retries), then refuses by name; lists what nobody asked', async () => {
    const tape = new Tape([command('uptime', 'first\n'), command('uptime', 'second\n'), command('df -h', 'disk\n')], new Map([['db1', 'db1 (root@10.0.0.1:22)']]), mask);
    const transport = tape.transportFor('db1');
    expect(transport.description).toBe('db1 (root@10.0.0.1:22)');
    const ask = () => transport.start({ script: 'uptime', timeoutMs: 1000, origin }).result;
    expect((await ask()).stdout).toBe('first\n');
    expect((await ask()).stdout).toBe('second\n');
    const third = await ask();
    expect(third.transportError).toEqual({ code: NOT_RECORDED, message: 'db1 (root@10.0.0.1:22): the recording holds no answer to `uptime` on server for check ask on db1' });
    expect(tape.unused()).toEqual([{ origin, attempt: '`df -h`' }]);
  });

  test('asks with the secret masked, as it was recorded; another role, sudo or input is another attempt', async () => {
    const tape = new Tape([command('mysql -p***', 'ok\n', { stdin: 'pw=***' })], new Map(), mask);
    const transport = tape.transportFor('db1');
    expect((await transport.start({ script: 'mysql -ps3cret', stdin: 'pw=s3cret', timeoutMs: 1000, origin }).result).stdout).toBe('ok\n');
    const other = [
      { script: 'mysql -ps3cret', stdin: 'pw=s3cret', timeoutMs: 1000, origin: { ...origin, role: 'client' } },
      { script: 'mysql -ps3cret', stdin: 'pw=s3cret', become: true, timeoutMs: 1000, origin },
      { script: 'mysql -ps3cret', timeoutMs: 1000, origin },
    ];
    for (const request of other) expect((await transport.start(request).result).transportError?.code).toBe(NOT_RECORDED);
  });

  test('a stopped capture ends when stopped again; its output is there to wait for before', async () => {
    const tape = new Tape([command('tcpdump', 'listening on any\nSYN\n', { outcome: { exitCode: null, signal: 'TERM', stdout: 'listening on any\nSYN\n', stderr: '', durationMs: 900, termination: 'stopped' } })], new Map(), mask);
    const running = tape.transportFor('db1').start({ script: 'tcpdump', timeoutMs: 1000, origin });
    expect(await running.waitForOutput('stdout', /SYN/g, 10)).toBe(true);
    expect(await running.waitForOutput('stdout', /SYN/g, 10)).toBe(true);
    let ended = false;
    void running.result.then(() => (ended = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ended).toBe(false);
    await running.stop();
    expect((await running.result).termination).toBe('stopped');
  });

  test('a held command is asked of the tape on its release; never released, it asks nothing and ends withheld', async () => {
    const tape = new Tape([command('nc -z db 3306', 'open\n')], new Map(), mask);
    const transport = tape.transportFor('db1');
    expect((await transport.start({ script: 'nc -z db 3306', timeoutMs: 1000, origin, heldUntil: Promise.resolve(false) }).result).termination).toBe('withheld');
    expect(tape.unused()).toHaveLength(1);
    expect((await transport.start({ script: 'nc -z db 3306', timeoutMs: 1000, origin, heldUntil: Promise.resolve(true) }).result).stdout).toBe('open\n');
    expect(tape.unused()).toEqual([]);
  });

  test('a replayed stream keeps turns: each answer once we have sent as much, or sent less and then nothing for a moment', async () => {
    const stream: RecordedAttempt = {
      type: 'stream', origin, target: 'db1', startedAt: '2026-12-01T00:00:00.000Z', to: { host: '10.0.0.2', port: 3306 },
      opening: { durationMs: 4, via: 'ssh -W' },
      exchange: [{ received: Buffer.from('hello').toString('base64') }, { sent: 10 }, { received: Buffer.from('ok').toString('base64') }, { sent: 3 }, { error: 'reset by peer' }],
    };
    const opening = await new Tape([stream], new Map(), mask).transportFor('db1').openStream({ host: '10.0.0.2', port: 3306, timeoutMs: 1000, origin });
    if (!('stream' in opening)) throw new Error('no stream');
    expect(opening.durationMs).toBe(4);
    const heard: string[] = [];
    opening.stream.on('data', (chunk: Buffer) => heard.push(chunk.toString()));
    const failed = new Promise<string>((resolve) => opening.stream.on('error', (error) => resolve(error.message)));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(heard).toEqual(['hello']);
    opening.stream.write('12345678'); // two bytes short of the recorded turn
    await new Promise((resolve) => setTimeout(resolve, 2));
    expect(heard).toEqual(['hello']);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(heard).toEqual(['hello', 'ok']);
    opening.stream.write('bye');
    expect(await failed).toBe('reset by peer');
  });

  test('a slow turn comes as late as it came, whatever we send meanwhile; a stream destroyed first hears nothing more', async () => {
    const stream: RecordedAttempt = {
      type: 'stream', origin, target: 'db1', startedAt: '2026-12-01T00:00:00.000Z', to: { host: '10.0.0.2', port: 3306 },
      opening: { durationMs: 4, via: 'ssh -W' },
      exchange: [{ sent: 5 }, { received: Buffer.from('stalled').toString('base64'), afterMs: 300 }, { sent: 4 }, { end: true }],
    };
    const tape = new Tape([stream, stream], new Map(), mask).transportFor('db1');
    const opening = await tape.openStream({ host: '10.0.0.2', port: 3306, timeoutMs: 1000, origin });
    if (!('stream' in opening)) throw new Error('no stream');
    const heard: { text: string; at: number }[] = [];
    const started = performance.now();
    opening.stream.on('data', (chunk: Buffer) => heard.push({ text: chunk.toString(), at: performance.now() - started }));
    const ended = new Promise((resolve) => opening.stream.on('end', resolve));
    opening.stream.write('query');
    await tick(100);
    opening.stream.write('quit'); // sent while the answer is late: still answered, then the end
    await ended;
    expect(heard.map(({ text }) => text)).toEqual(['stalled']);
    expect(heard[0]!.at).toBeGreaterThanOrEqual(295);

    const again = await tape.openStream({ host: '10.0.0.2', port: 3306, timeoutMs: 1000, origin });
    if (!('stream' in again)) throw new Error('no stream');
    const late: string[] = [];
    again.stream.on('data', (chunk: Buffer) => late.push(chunk.toString()));
    again.stream.write('query');
    await tick(20);
    again.stream.destroy();
    await tick(350);
    expect(late).toEqual([]);
  });
});
