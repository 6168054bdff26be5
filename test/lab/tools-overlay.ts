// "Tools missing" on a host: an overlay on /usr/bin in the host's private mount namespace whose
// upper dir holds whiteouts, so the tools fail with 127 there and nowhere else (LAB-NOTES 3).
import { inHost, mountedOver } from './host.js';
import { HIDDEN_TOOLS } from './faults.js';
import type { HostRecord } from './state.js';

// In the host's private /run tmpfs: the overlay's upper dir goes away with the host.
const OVERLAY_DIR = '/run/lab-tools-overlay';

export function toolsHidden(host: HostRecord): boolean {
  return mountedOver(host, '/usr/bin', 'overlay');
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
