// "Tools missing" on a host: an overlay on /usr/bin in the host's private mount namespace whose
// upper dir holds whiteouts, so the tools fail with 127 there and nowhere else (LAB-NOTES 3).
import { readFileSync } from 'node:fs';
import { execInHost } from './host.js';
import { HIDDEN_TOOLS } from './faults.js';
import type { HostRecord } from './state.js';

// In the host's private /run tmpfs: the overlay's upper dir goes away with the host.
const OVERLAY_DIR = '/run/lab-tools-overlay';

/** Read from the controller: /proc/PID/mountinfo shows the mounts of that process's namespace. */
export function toolsHidden(host: HostRecord): boolean {
  if (!host.sshd) return false;
  const mountinfo = readFileSync(`/proc/${host.sshd.pid}/mountinfo`, 'utf8');
  return mountinfo.split('\n').some((line) => line.split(' ')[4] === '/usr/bin' && line.includes(' - overlay '));
}

async function inHost(host: HostRecord, what: string, command: string): Promise<void> {
  const result = await execInHost(host, `set -e\n${command}`, 20_000);
  if (result.exitCode !== 0) throw new Error(`${host.name}: ${what} failed: ${result.stderr}`);
}

export async function setToolsHidden(host: HostRecord, hidden: boolean): Promise<void> {
  if (toolsHidden(host) === hidden) return;
  if (hidden) {
    const whiteouts = HIDDEN_TOOLS.map((tool) => `mknod ${OVERLAY_DIR}/upper/${tool} c 0 0`).join('\n');
    await inHost(host, 'hiding tools', `mkdir -p ${OVERLAY_DIR}/upper ${OVERLAY_DIR}/work
${whiteouts}
mount -t overlay lab-tools -o lowerdir=/usr/bin,upperdir=${OVERLAY_DIR}/upper,workdir=${OVERLAY_DIR}/work /usr/bin`);
  } else {
    // Lazy: umount itself lives in /usr/bin and is busy while it runs (LAB-NOTES "Faults").
    await inHost(host, 'restoring tools', `umount --lazy /usr/bin\nrm -rf ${OVERLAY_DIR}`);
  }
}
