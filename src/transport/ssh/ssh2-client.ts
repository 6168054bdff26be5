// The parts of ssh2 a client uses, each from its own file. ssh2's index also loads its server,
// SFTP flags, key generation and its HTTP agents (http, https, tls): 16 built-in modules more and
// about 6 ms of every SSH run's start (5 alternated runs each, 57 -> 51 ms to load ssh2), for
// nothing a client calls. Types still come from @types/ssh2: the files export what the index does.
import { createRequire } from 'node:module';
import type * as Ssh2 from 'ssh2';

const requireFromHere = createRequire(import.meta.url);

export const Client = requireFromHere('ssh2/lib/client.js') as typeof Ssh2.Client;
export type Client = Ssh2.Client;

const agents = requireFromHere('ssh2/lib/agent.js') as Pick<typeof Ssh2, 'BaseAgent' | 'createAgent' | 'OpenSSHAgent'>;
export const { BaseAgent, createAgent, OpenSSHAgent } = agents;
export type OpenSSHAgent = Ssh2.OpenSSHAgent;

export const { parseKey } = requireFromHere('ssh2/lib/protocol/keyParser.js') as { parseKey: typeof Ssh2.utils.parseKey };
