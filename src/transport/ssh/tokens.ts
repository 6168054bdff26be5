// ssh_config paths may use `~`, `%x` tokens and `${VAR}` (IdentityFile, UserKnownHostsFile,
// IdentityAgent): expanded as ssh does, so the same file names mean the same files.
import { createHash } from 'node:crypto';
import { homedir, hostname, userInfo } from 'node:os';

export type Tokens = Readonly<Record<string, string>>;

export interface TokenSource {
  readonly alias: string;
  readonly hostName: string;
  readonly user: string;
  readonly port: number;
}

/** os.userInfo() throws for a uid without a passwd entry (containers); ssh would then fail too. */
function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? '';
  }
}

function pathTokens(source: TokenSource): Tokens {
  const local = hostname();
  const port = String(source.port);
  return {
    '%': '%',
    d: homedir(),
    u: localUser(),
    i: String(process.getuid?.() ?? ''),
    l: local,
    L: local.split('.')[0] ?? local,
    h: source.hostName,
    n: source.alias,
    p: port,
    r: source.user,
    C: createHash('sha1').update(`${local}${source.hostName}${port}${source.user}`).digest('hex'),
  };
}

export const hostTokens = { localUser, for: pathTokens };

export function expandPath(path: string, tokens: Tokens): string {
  const home = path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
  return home
    .replace(/\$\{(\w+)\}/g, (_, name: string) => process.env[name] ?? '')
    .replace(/%(.)/g, (whole, key: string) => tokens[key] ?? whole);
}
