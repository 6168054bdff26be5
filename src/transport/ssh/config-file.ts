// Which ssh_config text ssh would read: only the `-F` file when given, else ~/.ssh/config then
// /etc/ssh/ssh_config, with `Include` spliced in, so that first-match-wins spans all of them.
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import SSHConfig from 'ssh-config';
import { MAX_SSH_TEXT_BYTES, readBoundedSync } from './bounded-read.js';
import { wildcardRegExp } from './patterns.js';

/**
 * A file of ssh_config's text, bounded (it may be a device). A NUL byte marks a binary file, which
 * no ssh_config is; other bytes are read as before, as ssh reads them (a Latin-1 comment in
 * ~/.ssh/config must not stop a run).
 */
const readConfigText = (path: string): string => {
  const bytes = readBoundedSync(path, MAX_SSH_TEXT_BYTES);
  if (bytes.includes(0)) throw new Error(`${path} holds a NUL byte, as a binary file does: is it an ssh_config?`);
  return bytes.toString('utf8');
};

const SYSTEM_CONFIG = '/etc/ssh/ssh_config';
// Relative Include paths: ~/.ssh for user files (`-F` included), /etc/ssh for the system file.
const userDir = (): string => join(homedir(), '.ssh');
const MAX_INCLUDE_DEPTH = 16; // ssh's own READCONF_MAX_DEPTH

export const userConfigPath = (): string => join(homedir(), '.ssh', 'config');

const tilde = (path: string): string => (path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path);

/** Include globs only in the last path component, which covers `config.d/*` style layouts. */
function globFiles(pattern: string): string[] {
  const name = basename(pattern);
  if (!/[*?]/.test(name)) return existsSync(pattern) ? [pattern] : [];
  const regex = wildcardRegExp(name, { ignoreCase: false });
  try {
    return readdirSync(dirname(pattern)).filter((entry) => regex.test(entry)).sort().map((e) => join(dirname(pattern), e));
  } catch {
    return [];
  }
}

/**
 * Splices Include targets in place. An Include inside a Host/Match block is followed by that
 * block's header again, so lines after it keep their condition as in ssh (the included file's own
 * Host lines would otherwise capture them).
 */
function expandIncludes(text: string, relativeTo: string, depth: number): string {
  if (depth > MAX_INCLUDE_DEPTH) throw new Error(`ssh_config: Include nested deeper than ${MAX_INCLUDE_DEPTH}`);
  let header = '';
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(\w+)(?:\s*=\s*|\s+)(.*?)\s*$/.exec(line);
    const keyword = match?.[1]?.toLowerCase();
    if (keyword === 'host' || keyword === 'match') header = line;
    if (keyword !== 'include' || match?.[2] === undefined) {
      out.push(line);
      continue;
    }
    for (const target of match[2].split(/\s+/).map((p) => p.replace(/^"(.*)"$/, '$1'))) {
      const pattern = isAbsolute(tilde(target)) ? tilde(target) : join(relativeTo, target);
      for (const file of globFiles(pattern)) out.push(expandIncludes(readConfigText(file), relativeTo, depth + 1));
    }
    if (header) out.push(header);
  }
  return out.join('\n');
}

/** `none` reads nothing, like `ssh -F none`; an explicit file that is missing is an error, as for ssh. */
export function loadSshConfig(explicitPath?: string): SSHConfig {
  if (explicitPath === 'none') return SSHConfig.parse('');
  if (explicitPath !== undefined) {
    const path = tilde(explicitPath);
    return SSHConfig.parse(expandIncludes(readConfigText(path), userDir(), 0));
  }
  const parts: string[] = [];
  const user = userConfigPath();
  if (existsSync(user)) parts.push(expandIncludes(readConfigText(user), userDir(), 0));
  if (existsSync(SYSTEM_CONFIG)) parts.push(expandIncludes(readConfigText(SYSTEM_CONFIG), dirname(SYSTEM_CONFIG), 0));
  // A Host block would otherwise swallow the next file's global lines: reset to "all hosts".
  return SSHConfig.parse(parts.join('\nHost *\n'));
}
