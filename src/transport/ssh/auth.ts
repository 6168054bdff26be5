// The credentials ssh would offer: agent keys, then key files (the configured ones, or ssh's
// defaults). With IdentitiesOnly only the configured keys count, including their copies in the agent.
import { existsSync } from 'node:fs';
import type { AnyAuthMethod, ParsedKey } from 'ssh2';
import { ssh2, type OpenSSHAgent } from './ssh2-client.js';
import type { SshTarget } from './config.js';
import { MAX_KEY_BYTES, readBoundedSync } from './bounded-read.js';

interface Identity {
  readonly file: string;
  readonly publicKey: Buffer;
  /** Undefined for a passphrase-protected key: usable only through the agent (we never prompt). */
  readonly privateKey: Buffer | undefined;
}

export interface Credentials {
  readonly methods: AnyAuthMethod[];
  /** What the methods offer, in their order ("the agent's keys", a key file): named when all are refused. */
  readonly offered: string[];
  /** Why a key was not offered, appended to an authentication failure so the operator sees it. */
  readonly notes: string[];
}

const parsed = (data: Buffer): ParsedKey | undefined => {
  const key = ssh2().parseKey(data);
  return key instanceof Error ? undefined : key;
};

function loadIdentity(file: string, notes: string[]): Identity | undefined {
  let data: Buffer;
  try {
    data = readBoundedSync(file, MAX_KEY_BYTES);
  } catch {
    notes.push(`${file}: not readable`);
    return undefined;
  }
  const key = parsed(data);
  if (key?.isPrivateKey()) return { file, publicKey: key.getPublicSSH(), privateKey: data };
  // Most often an encrypted key: its .pub still lets the agent's copy be recognised.
  const pub = existsSync(`${file}.pub`) ? parsed(readBoundedSync(`${file}.pub`, MAX_KEY_BYTES)) : undefined;
  notes.push(`${file}: passphrase-protected or unreadable key, used only through the agent`);
  return pub ? { file, publicKey: pub.getPublicSSH(), privateKey: undefined } : undefined;
}

/** An agent that lists only the keys ssh_config names, as ssh does under IdentitiesOnly. */
const configuredKeysAgentClass = () => {
  const { BaseAgent, OpenSSHAgent } = ssh2();
  return class ConfiguredKeysAgent extends BaseAgent<ParsedKey> {
    private readonly inner: OpenSSHAgent;

    constructor(socket: string, private readonly allowed: readonly Buffer[]) {
      super();
      this.inner = new OpenSSHAgent(socket);
    }

    override getIdentities(cb: (err: Error | undefined, keys?: ParsedKey[]) => void): void {
      this.inner.getIdentities((err, keys) => {
        const listed = (keys ?? []).flatMap((key) => ('getPublicSSH' in key ? [key] : []));
        cb(err ?? undefined, listed.filter((key) => this.allowed.some((pub) => pub.equals(key.getPublicSSH()))));
      });
    }

    override sign(pubKey: ParsedKey, data: Buffer, ...rest: unknown[]): void {
      (this.inner.sign as (...args: unknown[]) => void).call(this.inner, pubKey, data, ...rest);
    }
  };
};

/** A subclass of ssh2's agent, so made once ssh2 is loaded (ssh2-client.ts), and only once. */
let ConfiguredKeysAgent: ReturnType<typeof configuredKeysAgentClass> | undefined;

export function credentials(target: SshTarget): Credentials {
  const notes: string[] = [];
  // Default identity files are optional, as for ssh: only configured ones are worth a note.
  const files = target.identityFiles.filter((file) => target.identityFilesConfigured || existsSync(file));
  const identities = files.flatMap((file) => loadIdentity(file, notes) ?? []);
  const methods: AnyAuthMethod[] = [];
  const offered: string[] = [];
  const username = target.user;
  if (target.agentSocket !== undefined && existsSync(target.agentSocket)) {
    const agent = target.identitiesOnly
      ? new (ConfiguredKeysAgent ??= configuredKeysAgentClass())(target.agentSocket, identities.map((i) => i.publicKey))
      : ssh2().createAgent(target.agentSocket);
    methods.push({ type: 'agent', username, agent });
    offered.push(target.identitiesOnly ? "the agent's copies of the configured keys" : "the agent's keys");
  } else if (target.agentSocket !== undefined) {
    notes.push(`agent socket ${target.agentSocket} does not exist`);
  }
  for (const identity of identities) {
    if (!identity.privateKey) continue;
    methods.push({ type: 'publickey', username, key: identity.privateKey });
    offered.push(identity.file);
  }
  if (methods.length === 0) notes.push('no agent and no usable key file');
  return { methods, offered, notes };
}
