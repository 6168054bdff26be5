// The parts of ssh2 a client uses, each from its own file. ssh2's index also loads its server,
// SFTP flags, key generation and its HTTP agents (http, https, tls): 16 built-in modules more and
// about 6 ms of every SSH run's start (5 alternated runs each, 57 -> 51 ms to load ssh2), for
// nothing a client calls. Types still come from @types/ssh2: the files export what the index does.
// The bundle keeps these parts as one CommonJS file of its own (RUNBOOK_SSH2_MODULE, set by
// scripts/bundle.ts), compiled from the code cache npm run build leaves (model/cached-require.ts);
// from the sources (tests), the package's files.
//
// Loaded on first use, not with the transport: a run opens the TCP connection to each of its
// hosts first (connect.ts), and the hosts' sshd accept, fork and greet while these files load.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as Ssh2 from 'ssh2';
import { requireCompiled } from '../../model/cached-require.js';

declare const RUNBOOK_SSH2_MODULE: string | undefined;

export type Client = Ssh2.Client;
export type OpenSSHAgent = Ssh2.OpenSSHAgent;

export interface Ssh2Client extends Pick<typeof Ssh2, 'BaseAgent' | 'createAgent' | 'OpenSSHAgent'> {
  readonly Client: typeof Ssh2.Client;
  readonly parseKey: typeof Ssh2.utils.parseKey;
}

let loaded: Ssh2Client | undefined;

const fromPackage = (): Ssh2Client => {
  const requireFromHere = createRequire(import.meta.url);
  const agents = requireFromHere('ssh2/lib/agent.js') as Pick<typeof Ssh2, 'BaseAgent' | 'createAgent' | 'OpenSSHAgent'>;
  return {
    Client: requireFromHere('ssh2/lib/client.js') as typeof Ssh2.Client,
    BaseAgent: agents.BaseAgent,
    createAgent: agents.createAgent,
    OpenSSHAgent: agents.OpenSSHAgent,
    parseKey: (requireFromHere('ssh2/lib/protocol/keyParser.js') as { parseKey: typeof Ssh2.utils.parseKey }).parseKey,
  };
};

/** ssh2's client, loaded now if it is not yet. */
export const ssh2 = (): Ssh2Client =>
  (loaded ??= typeof RUNBOOK_SSH2_MODULE === 'string' ? (requireCompiled(fileURLToPath(new URL(RUNBOOK_SSH2_MODULE, import.meta.url))) as Ssh2Client) : fromPackage());

let loading: Promise<Ssh2Client> | undefined;

/**
 * ssh2's client, loaded after what is already under way in this turn of the event loop: every
 * connection a run starts at once opens its socket first, then one of them loads ssh2 (about
 * 40 ms of the main thread on a 2-core machine) while the hosts answer.
 */
export const ssh2Soon = (): Promise<Ssh2Client> =>
  loaded ? Promise.resolve(loaded) : (loading ??= new Promise((resolve, reject) => setImmediate(() => {
    try {
      resolve(ssh2());
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  })));
