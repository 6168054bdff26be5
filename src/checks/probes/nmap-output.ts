// nmap's normal output for one TCP port. Only the port line counts: on a directly connected
// segment nmap finds the host by ARP and says "Host is up" even when every probe is dropped.
import type { CommandOutcome } from '../../transport/types.js';
import { firstLine, type Reading } from './attempts.js';

export interface ScanResult {
  /** open, closed, filtered, unfiltered, open|filtered, closed|filtered, or host-down. */
  readonly state: string;
  readonly hostUp: boolean;
}

export const readNmap = (outcome: CommandOutcome, port: number): Reading<ScanResult> => {
  const text = `${outcome.stdout}\n${outcome.stderr}`;
  const portLine = new RegExp(`^${port}/tcp\\s+(\\S+)`, 'm').exec(outcome.stdout);
  const hostUp = /^Host is up/m.test(outcome.stdout);
  if (portLine) return { value: { state: portLine[1]!, hostUp } };
  // An unresolvable name also ends in "(0 hosts up)": it is not a host that is down.
  const unresolved = /Failed to resolve.*/.exec(text);
  if (unresolved) return { error: `nmap cannot resolve the host: ${unresolved[0].trim()}` };
  if (/Host seems down|\(0 hosts up\)/.test(text) && !/host timeout/.test(text)) return { value: { state: 'host-down', hostUp: false } };
  if (/due to host timeout/.test(text)) return { error: 'nmap gave up on the host (its host timeout passed before the port was scanned); raise timeout' };
  return { error: `nmap gave no port state (exit ${String(outcome.exitCode)}): ${firstLine(outcome.stderr) || firstLine(outcome.stdout) || 'no output'}` };
};
