// The `mysql:` check kind: its YAML form; the first packet read from bytes recorded in the lab
// (greeting, error packets, a silent server, a non-MySQL banner); whole conversations replayed by a
// loopback server; and the fallbacks (mariadb client, bash /dev/tcp) on their recorded words.
import { connect } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { mysqlCheck } from '../../src/checks/mysql.js';
import { readFirstPacket } from '../../src/checks/probes/mysql-packets.js';
import { speakMysql, type MysqlLogin } from '../../src/checks/probes/mysql-session.js';
import type { SecondStream } from '../../src/checks/probes/mysql-stalled.js';
import type { CheckKind } from '../../src/checks/types.js';
import { describeCheckKind } from '../helpers/describe-check-kind.js';
import { loadFixture, notInstalled, replayContext, type ProbeFixture } from '../fixtures/probes/fixture.js';
import { loadConversation, replayServer } from '../fixtures/probes/mysql-conversation.js';

const check = (body: string): string => `      - id: a\n        on: here\n${body}`;

describeCheckKind('mysql', {
  valid: [
    check('        mysql: { host: 10.200.0.82 }'),
    check('        mysql: { host: db, port: "${vars.port}", user: app, password: "${vars.port}", database: appdb, query: SELECT 1 }'),
    check('        mysql: { host: db, timeouts: { connect: 1s, greeting: 500ms, login: 2s, query: 10s } }\n        expect:\n          state: { equals: answered }\n          error_code: { not: 1045 }\n          query_ms: { lt: 100 }'),
  ],
  invalid: [
    { check: check('        mysql: { port: 3306 }'), code: 'RB_SCHEMA', line: 13, col: 16, message: /missing required property "host"/ },
    { check: check('        mysql: { host: db, password: hunter2 }'), code: 'RB_SCHEMA', line: 13, col: 38, message: /password/ },
    { check: check('        mysql: { host: db, port: 0 }'), code: 'RB_SCHEMA', line: 13, col: 34, message: /must be >= 1/ },
    { check: check('        mysql: { host: db, timeouts: { greeting: 0s } }'), code: 'RB_SCHEMA', line: 13, col: 50, message: /must be a duration/ },
    { check: check('        mysql: { host: db, timeouts: { handshake: 1s } }'), code: 'RB_SCHEMA', line: 13, col: 40, message: /handshake/ },
    { check: check('        mysql: { host: db, usr: app }'), code: 'RB_SCHEMA', line: 13, col: 28, message: /usr/ },
    { check: check('        mysql: { host: db }\n        expect:\n          error_code: { contains: "104" }'), code: 'RB_MATCHER', line: 15, col: 23, message: /contains applies to text/ },
  ],
});

const serverBytes = (name: string): Buffer => {
  const first = loadConversation(name).flights.find((flight) => flight.from === 'server');
  return Buffer.from(first?.hex ?? '', 'hex');
};

describe('mysql: the first packet, from bytes recorded in the lab', () => {
  test('a MariaDB 10.11 greeting: protocol 10, the version, a connection id', () => {
    const packet = readFirstPacket(serverBytes('healthy'));
    expect(packet).toMatchObject({ kind: 'greeting', serverVersion: expect.stringMatching(/^5\.5\.5-10\.11\.\d+-MariaDB/), connectionId: expect.any(Number) });
  });

  test.each([3, 10, 40])('a greeting cut after %i bytes is incomplete, never a verdict (the reader waits)', (bytes) => {
    expect(readFirstPacket(serverBytes('healthy').subarray(0, bytes))).toEqual({ kind: 'incomplete' });
  });

  test('the greeting is read at once: nothing past its announced length is needed', () => {
    const bytes = serverBytes('healthy');
    expect(bytes.length).toBe(bytes.readUIntLE(0, 3) + 4);
    expect(readFirstPacket(bytes).kind).toBe('greeting');
  });

  test('sshd\'s banner on port 22 is not MySQL, and says so with its bytes', () => {
    const packet = readFirstPacket(serverBytes('port-22.greeting'));
    expect(packet.kind).toBe('not-mysql');
    expect(JSON.stringify(packet)).toContain('SSH-2.0');
  });

  test.each([
    ['an error packet instead of a greeting (MySQL 1130)', 'ff6a04486f73742027382e382e382e3827206973206e6f7420616c6c6f77656420746f20636f6e6e65637420746f2074686973204d7953514c20736572766572', 1130, null],
    ['an error packet with a SQLSTATE (1040)', 'ff1004233038303034546f6f206d616e7920636f6e6e656374696f6e73', 1040, '08004'],
  ])('%s', (_name, payloadHex, code, sqlState) => {
    const payload = Buffer.from(payloadHex, 'hex');
    const header = Buffer.from([payload.length & 0xff, (payload.length >> 8) & 0xff, 0, 0]);
    expect(readFirstPacket(Buffer.concat([header, payload]))).toMatchObject({ kind: 'error', code, sqlState });
  });

  test.each([
    ['HTTP', Buffer.from('HTTP/1.1 400 Bad Request\r\n')],
    ['a sequence number other than 0', Buffer.from([5, 0, 0, 1, 10, 0x35, 0, 0, 0])],
    ['protocol 9', Buffer.from([3, 0, 0, 0, 9, 0x35, 0])],
    ['a version that is not text', Buffer.from([4, 0, 0, 0, 10, 0x01, 0x02, 0])],
  ])('%s is not MySQL', (_name, bytes) => {
    expect(readFirstPacket(bytes).kind).toBe('not-mysql');
  });
});

const LOGIN: MysqlLogin = { user: 'app', password: 'not-the-lab-password', database: 'appdb', query: 'SELECT 1' };
const FAST: Readonly<Record<'greeting' | 'login' | 'query' | 'stalled', number>> = { greeting: 1000, login: 1000, query: 1000, stalled: 1000 };

describe('mysql: conversations recorded in the lab, replayed by a loopback server', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  /** `login: null` for no user (undefined would take the default). */
  const converse = async (name: string, login: MysqlLogin | null = LOGIN, budget: typeof FAST = FAST) => {
    const server = await replayServer(loadConversation(name));
    close = server.close;
    const socket = connect({ host: '127.0.0.1', port: server.port });
    await new Promise((resolve) => socket.once('connect', resolve));
    const answer = await speakMysql(socket, { ms: 1, line: 'connect: open' }, login ?? undefined, (phase) => budget[phase], new AbortController().signal);
    expect(socket.destroyed).toBe(true);
    return answer;
  };

  test('healthy: greeted, logged in, SELECT 1 answered 1', async () => {
    const answer = await converse('healthy');
    expect(answer).toMatchObject({ state: 'answered', phase: 'done', errorCode: null, rows: 1, result: '1', serverVersion: expect.stringContaining('MariaDB') });
    expect(answer.times).toEqual({ connect: 1, greeting: expect.any(Number), login: expect.any(Number), query: expect.any(Number) });
    expect(answer.transcript.join('\n')).toMatch(/greeting: \d+ bytes .*\nlogin: as app to appdb: accepted .*\nsession: row-lock waits end after \d+ s \(innodb_lock_wait_timeout\)\nquery: SELECT 1: 1 row .*first value 1/);
  });

  test('healthy, no user: greeted, and the login is said not to be tried', async () => {
    const answer = await converse('healthy.greeting', null);
    expect(answer).toMatchObject({ state: 'greeted', phase: 'greeting' });
    expect(answer.transcript.at(-1)).toBe('login: not tried (no user given)');
  });

  test('mysql-hung: TCP accepted, no byte: no-greeting after the greeting bound, not before', async () => {
    const started = performance.now();
    const answer = await converse('mysql-hung', LOGIN, { ...FAST, greeting: 400 });
    expect(answer).toMatchObject({ state: 'no-greeting', phase: 'greeting', errorCode: null, error: 'TCP was accepted but no greeting came in 400 ms' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
  });

  test('access-denied: greeted, then 1045 naming the user and the host as the server sees them', async () => {
    const answer = await converse('access-denied');
    expect(answer).toMatchObject({ state: 'login-refused', phase: 'login', errorCode: 1045, error: "Access denied for user 'app'@'10.200.0.216' (using password: YES)" });
  });

  test('too-many-connections: greeted, then 1040 at login', async () => {
    const answer = await converse('too-many-connections');
    expect(answer).toMatchObject({ state: 'login-refused', phase: 'login', errorCode: 1040, error: 'Too many connections' });
  });

  test('host-blocked: an error packet instead of the greeting, 1129 naming the host the server blocked', async () => {
    const answer = await converse('host-blocked');
    expect(answer).toMatchObject({ state: 'login-refused', phase: 'greeting', errorCode: 1129, error: "Host '10.200.0.216' is blocked because of many connection errors; unblock with 'mariadb-admin flush-hosts'" });
  });

  test('port 22: sshd\'s banner is not MySQL', async () => {
    const answer = await converse('port-22.greeting');
    expect(answer).toMatchObject({ state: 'not-mysql', phase: 'greeting' });
    expect(answer.error).toContain('SSH-2.0');
  });

  describe('query-blocked: the query waits for a table lock', () => {
    const QUERY: MysqlLogin = { ...LOGIN, query: 'SELECT COUNT(*) FROM orders LOCK IN SHARE MODE' };
    /**
     * The lab's server answered the stalled query (1317, interrupted) only once the second
     * connection had cancelled it: without that answer the replay stalls as the server did (the
     * flights kept end with the query sent: greeting, login, the session's lock bound, the query).
     */
    const stalledFirst = () => {
      const recorded = loadConversation('query-blocked');
      return { ...recorded, flights: recorded.flights.slice(0, 6) };
    };
    const blocked = async (budget = FAST, secondStream?: SecondStream) => {
      const server = await replayServer(stalledFirst(), loadConversation('query-blocked.second'));
      close = server.close;
      const socket = connect({ host: '127.0.0.1', port: server.port });
      await new Promise((resolve) => socket.once('connect', resolve));
      const again: SecondStream = async () => {
        const second = connect({ host: '127.0.0.1', port: server.port });
        await new Promise((resolve) => second.once('connect', resolve));
        return second;
      };
      const answer = await speakMysql(socket, { ms: 1, line: 'connect: open' }, QUERY, (phase) => budget[phase], new AbortController().signal, secondStream ?? again);
      return { answer, sent: server.clientBytes().toString('latin1') };
    };

    test('a second connection asks what the query waits on, and cancels it', async () => {
      const { answer, sent } = await blocked();
      expect(answer).toMatchObject({ state: 'query-timeout', phase: 'query', waiting: 'Waiting for table metadata lock', error: 'logged in, but SELECT COUNT(*) FROM orders LOCK IN SHARE MODE did not return in 1000 ms' });
      const id = /connection id (\d+)/.exec(answer.transcript.join('\n'))?.[1];
      expect(answer.transcript.at(-1)).toBe(`server: connection ${id}'s query was "Waiting for table metadata lock"; cancelled it (KILL QUERY ${id})`);
      expect(sent).toContain(`SELECT state FROM information_schema.processlist WHERE id = ${id} AND command = 'Query'`);
      expect(sent).toContain(`KILL QUERY ${id}`);
    });

    test('with no time left in the check it says so, and leaves the server alone', async () => {
      const { answer, sent } = await blocked({ ...FAST, stalled: 100 });
      expect(answer).toMatchObject({ state: 'query-timeout', waiting: '' });
      expect(answer.transcript.at(-1)).toMatch(/^server: no time left in the check to ask what connection \d+ waits on; its query may still be waiting there$/);
      expect(sent).not.toContain('KILL');
    });

    test('when no second connection can be made, it says the query may still wait there', async () => {
      const { answer } = await blocked(FAST, () => Promise.resolve({ failure: 'administratively prohibited' }));
      expect(answer).toMatchObject({ state: 'query-timeout', waiting: '' });
      expect(answer.transcript.at(-1)).toMatch(/^server: could not connect again to ask what connection \d+ waits on \(administratively prohibited\); its query may still be waiting there$/);
    });
  });

  describe('row-locked: the query waits for a row another session\'s open transaction holds', () => {
    const LOCKING: MysqlLogin = { ...LOGIN, query: 'SELECT COUNT(*) FROM orders LOCK IN SHARE MODE' };
    /** Asking about a row lock's wait would show nothing of it ("Statistics"): the server's own 1205 says it. */
    const neverAgain: SecondStream = () => {
      throw new Error('no second connection is needed: the server said why');
    };

    const lockedOut = async (flights = loadConversation('row-locked').flights) => {
      const server = await replayServer({ ...loadConversation('row-locked'), flights });
      close = server.close;
      const socket = connect({ host: '127.0.0.1', port: server.port });
      await new Promise((resolve) => socket.once('connect', resolve));
      const answer = await speakMysql(socket, { ms: 1, line: 'connect: open' }, LOCKING, (phase) => ({ ...FAST, query: 3000 })[phase], new AbortController().signal, neverAgain);
      return { answer, sent: server.clientBytes().toString('latin1') };
    };

    test('its session gives row-lock waits up a second before the query\'s bound; the server\'s 1205 is a query-timeout waiting on a lock', async () => {
      const { answer, sent } = await lockedOut();
      expect(sent).toContain('SET SESSION innodb_lock_wait_timeout = 2');
      expect(answer).toMatchObject({
        state: 'query-timeout', phase: 'query', errorCode: 1205, waiting: 'Lock wait timeout exceeded; try restarting transaction',
        error: 'logged in, but SELECT COUNT(*) FROM orders LOCK IN SHARE MODE waited 2 s for a lock another session holds, the most its session allowed, and the server gave it up',
      });
      expect(answer.transcript.slice(-2)).toEqual([
        'session: row-lock waits end after 2 s (innodb_lock_wait_timeout)',
        'query: SELECT COUNT(*) FROM orders LOCK IN SHARE MODE: ERROR 1205 (HY000): Lock wait timeout exceeded; try restarting transaction',
      ]);
    });

    test('a server that refuses the bound is noted, and the query is asked all the same', async () => {
      // The lab's flights with the bound's OK packet swapped for MariaDB's 1193 (no such variable: InnoDB left out).
      const refused = errorPacket(1, 1193, 'HY000', "Unknown system variable 'innodb_lock_wait_timeout'");
      const flights = loadConversation('row-locked').flights.map((flight, index) => (index === 4 ? { ...flight, hex: refused } : flight));
      const { answer } = await lockedOut(flights);
      expect(answer.transcript).toContain("session: SET SESSION innodb_lock_wait_timeout = 2: Unknown system variable 'innodb_lock_wait_timeout' (row-lock waits keep the server's own bound)");
      // The query still ran: the recording's own answer to it came.
      expect(answer).toMatchObject({ state: 'query-timeout', errorCode: 1205, error: 'logged in, but SELECT COUNT(*) FROM orders LOCK IN SHARE MODE waited for a lock another session holds until the server gave it up' });
    });
  });

  test('an interruption ends the wait at once', async () => {
    const server = await replayServer(loadConversation('mysql-hung'));
    close = server.close;
    const socket = connect({ host: '127.0.0.1', port: server.port });
    await new Promise((resolve) => socket.once('connect', resolve));
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    const answer = await speakMysql(socket, { ms: 1, line: 'connect' }, LOGIN, () => 10_000, abort.signal);
    expect(answer.error).toBe('interrupted before the server answered');
  });
});

/** A MySQL error packet (0xff, the code, '#', the SQLSTATE, the message), as hex. */
const errorPacket = (sequence: number, code: number, sqlState: string, message: string): string => {
  const body = Buffer.concat([Buffer.from([0xff, code & 0xff, code >> 8]), Buffer.from(`#${sqlState}${message}`, 'latin1')]);
  return Buffer.concat([Buffer.from([body.length & 0xff, (body.length >> 8) & 0xff, body.length >> 16, sequence]), body]).toString('hex');
};

/** What the transport says where sshd refuses forwarding (AllowTcpForwarding no). */
const refusesForwarding = () => Promise.resolve({ failure: 'prohibited' as const, message: 'sshd refuses TCP forwarding (administratively prohibited: open failed)', durationMs: 2, via: 'ssh -W' });

/** A fixture recorded on app-noforward: its sshd refuses forwarding, so the host's tools answered. */
const observeFallback = async (name: string, change: (fixture: ProbeFixture) => ProbeFixture = (f) => f) => {
  const fixture = change(loadFixture(`mysql/${name}`));
  const context = {
    ...replayContext(fixture),
    connect: refusesForwarding,
  };
  const observation = await (mysqlCheck as unknown as CheckKind<unknown>).observe(fixture.spec, context);
  return { observation, unused: context.remaining() };
};

/** The recording with its first command failing as the mariadb client does, `stderr` its words. */
const failingWith = (stderr: string) => (fixture: ProbeFixture): ProbeFixture => ({
  ...fixture,
  records: [{ ...fixture.records[0]!, outcome: { ...fixture.records[0]!.outcome, exitCode: 1, stdout: '', stderr } }],
});

/** The first script the kind sends where sshd refuses forwarding, with `remainingMs` left of the check. */
const firstScriptSent = async (name: string, remainingMs = 30_000): Promise<string | undefined> => {
  const fixture = loadFixture(`mysql/${name}`);
  const scripts: string[] = [];
  const context = {
    ...replayContext(fixture),
    run: (script: string) => {
      scripts.push(script);
      return Promise.resolve(fixture.records[0]!.outcome);
    },
    remainingMs: () => remainingMs,
    connect: refusesForwarding,
  };
  await (mysqlCheck as unknown as CheckKind<unknown>).observe(fixture.spec, context);
  return scripts[0];
};

describe('mysql: where sshd refuses forwarding, the host\'s own tools (recorded on app-noforward)', () => {
  test.each([
    ['healthy', { state: 'answered', rows: 1, result: '1', tool: 'mariadb' }],
    ['access-denied', { state: 'login-refused', error_code: 1045, error: "Access denied for user 'app'@'10.200.0.216' (using password: YES)", tool: 'mariadb' }],
    ['too-many-connections', { state: 'login-refused', error_code: 1040, error: 'Too many connections', tool: 'mariadb' }],
    ['mysql-hung', { state: 'no-greeting', phase: 'greeting', error_code: 2013, tool: 'mariadb' }],
    ['mysql-down', { state: 'refused', phase: 'connect', tool: 'mariadb' }],
    ['port-filtered', { state: 'filtered', phase: 'connect', tool: 'mariadb' }],
    // The server's refusal comes where the client waits for the greeting, inside its own 2002.
    ['host-blocked', { state: 'login-refused', phase: 'greeting', error_code: 1129, tool: 'mariadb' }],
  ])('%s: the mariadb client', async (scenario, fields) => {
    const { observation, unused } = await observeFallback(`${scenario}.fallback.txt`);
    expect(unused).toBe(0);
    expect(observation.error).toBeUndefined();
    expect(observation.fields).toMatchObject(fields);
    expect(observation.notes?.[0]).toMatch(/administratively prohibited.*asked the host's own tools instead/);
  });

  test.each([
    ['healthy.greeting', { state: 'greeted', server_version: expect.stringContaining('MariaDB'), tool: 'bash' }],
    ['mysql-hung.greeting', { state: 'no-greeting', tool: 'bash' }],
    ['port-22.greeting', { state: 'not-mysql', tool: 'bash' }],
  ])('%s: no user, so bash reads the greeting', async (name, fields) => {
    const { observation, unused } = await observeFallback(`${name}.txt`);
    expect(unused).toBe(0);
    expect(observation.fields).toMatchObject(fields);
  });

  test('1040 before the greeting (the spare slot taken too): the server\'s code from inside the client\'s 2002', async () => {
    // Seen in the lab when two logins raced for the one slot MariaDB keeps beyond max_connections.
    const stderr = "ERROR 2002 (HY000): Received error packet before completion of TLS handshake. The authenticity of the following error cannot be verified: 1040 - Too many connections\n";
    const { observation } = await observeFallback('too-many-connections.fallback.txt', failingWith(stderr));
    expect(observation.fields).toMatchObject({ state: 'login-refused', phase: 'greeting', error_code: 1040, error: 'Too many connections', tool: 'mariadb' });
  });

  test.each([
    ['query-blocked', 'a table lock (LOCK TABLES)'],
    ['row-locked', 'a row lock (a transaction left open)'],
  ])('%s: the host\'s client, which cannot cancel, has the server end the wait for %s itself (1205)', async (scenario) => {
    const { observation, unused } = await observeFallback(`${scenario}.fallback.txt`);
    expect(unused).toBe(0);
    expect(observation.fields).toMatchObject({
      state: 'query-timeout', phase: 'query', error_code: 1205, waiting: 'Lock wait timeout exceeded; try restarting transaction', tool: 'mariadb',
      error: 'logged in, but SELECT COUNT(*) FROM orders LOCK IN SHARE MODE waited 2 s for a lock another session holds, the most its session allowed, and the server gave it up',
    });
  });

  test('the host\'s client sets its session\'s bounds on line 1, before the query: every lock wait, and MariaDB\'s statement bound', async () => {
    expect(await firstScriptSent('row-locked.fallback.txt')).toContain(`-e 'SET SESSION lock_wait_timeout = 2, innodb_lock_wait_timeout = 2 /*M!100100 , max_statement_time = 3 */;\nSELECT COUNT(*) FROM orders LOCK IN SHARE MODE'`);
  });

  test('MariaDB\'s statement bound ends a query that waits on no lock: a query-timeout with nothing known of its wait', async () => {
    const stderr = 'ERROR 1969 (70100) at line 2: Query execution was interrupted (max_statement_time exceeded)\n';
    const { observation } = await observeFallback('row-locked.fallback.txt', failingWith(stderr));
    expect(observation.fields).toMatchObject({ state: 'query-timeout', error_code: 1969, waiting: '', error: 'logged in, but SELECT COUNT(*) FROM orders LOCK IN SHARE MODE did not return in 3 s, and the server ended it (max_statement_time)' });
  });

  test('a server that refuses the bounds on line 1 never got the query: the check could not ask', async () => {
    const stderr = "ERROR 1193 (HY000) at line 1: Unknown system variable 'innodb_lock_wait_timeout'\n";
    const { observation } = await observeFallback('row-locked.fallback.txt', failingWith(stderr));
    expect(observation.error).toContain("the server refused the session's bounds the mariadb client sets before the query (ERROR 1193 (HY000): Unknown system variable 'innodb_lock_wait_timeout'); the query was not asked");
  });

  test('no client installed: bash reads the greeting, mariadb is a missing tool, and a login that could not be tried is an error', async () => {
    const { observation } = await observeFallback('healthy.fallback.txt', (fixture) => {
      const greeting = loadFixture('mysql/healthy.greeting.txt').records[0]!;
      return { ...fixture, records: [notInstalled('run', 'app-noforward', fixture.records[0]!.command, 'mariadb'), greeting] };
    });
    expect(observation.fields).toMatchObject({ state: 'greeted', tool: 'bash' });
    expect(observation.missingTools).toEqual([{ tool: 'mariadb', host: 'app-noforward' }]);
    expect(observation.error).toMatch(/could not log in from app-noforward: .*no mariadb or mysql client/);
  });

  test('the password reaches the client on its standard input, never in a command line', async () => {
    const fixture = { ...loadFixture('mysql/healthy.fallback.txt'), vars: { password: 'pw-on-stdin-5e1' } };
    const replay = replayContext(fixture);
    const given: { script: string; stdin?: string }[] = [];
    const context = {
      ...replay,
      run: (script: string, options?: { stdin?: string }) => {
        given.push({ script, ...(options?.stdin === undefined ? {} : { stdin: options.stdin }) });
        return replay.run(script, options);
      },
      connect: refusesForwarding,
    };
    await (mysqlCheck as unknown as CheckKind<unknown>).observe(fixture.spec, context);
    expect(given).toEqual([{ script: expect.stringContaining('IFS= read -r MYSQL_PWD') as unknown, stdin: 'pw-on-stdin-5e1\n' }]);
    expect(given[0]!.script).not.toContain('pw-on-stdin-5e1');
  });

  test('the host\'s client is bounded by what is left of the check\'s timeout, so it can still say what happened', async () => {
    expect(await firstScriptSent('healthy.fallback.txt', 3000)).toContain('exec timeout --foreground 2.5 "$c" --protocol=TCP --connect-timeout=3 ');
  });
});
