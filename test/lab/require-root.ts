// Whether this machine can run the namespace lab, and if not, why, in words a developer can act
// on. Synchronous, so test files can decide at collection time.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { CLEAN_ENV } from './command.js';

export type LabAvailability = { ok: true } | { ok: false; reason: string };

const INSTALL_HINT = 'run `sudo bash test/lab/install-packages.sh`';

/** Programs the lab and its tests call, by absolute path: PATH differences must not hide them. */
const REQUIRED_PROGRAMS = [
  '/usr/sbin/ip', '/usr/bin/unshare', '/usr/bin/nsenter', '/usr/bin/setsid', '/usr/bin/timeout',
  '/usr/sbin/sshd', '/usr/bin/ssh', '/usr/bin/ssh-keygen', '/usr/sbin/mysqld', '/usr/bin/mariadb',
  '/usr/bin/mariadb-admin', '/usr/bin/mariadb-install-db', '/usr/sbin/nft', '/usr/bin/tcpdump',
  '/usr/bin/nmap', '/usr/bin/nc', '/usr/bin/lsof', '/usr/bin/ping', '/usr/bin/ss', '/usr/bin/ps',
];

function canCreateNamespaces(): string | undefined {
  try {
    // Anonymous namespaces: they vanish with the process, nothing to clean up.
    execFileSync('unshare', ['--net', '--mount', '--pid', '--fork', '--uts', 'true'], {
      env: CLEAN_ENV, stdio: 'pipe', timeout: 10_000,
    });
    return undefined;
  } catch (error) {
    return `cannot create namespaces (unshare --net --mount --pid --uts failed: ${String(error).split('\n')[0]})`;
  }
}

export function labAvailable(): LabAvailability {
  // An explicit opt-out, e.g. for a root shell where the lab is unwanted (on CI it then fails).
  if (process.env['RUNBOOK_LAB'] === 'off') return { ok: false, reason: 'RUNBOOK_LAB=off' };
  if (process.platform !== 'linux') return { ok: false, reason: `the lab needs Linux, this is ${process.platform}` };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'the lab needs root (network namespaces, mounts, nftables)' };
  const missing = REQUIRED_PROGRAMS.filter((path) => !existsSync(path));
  if (missing.length > 0) return { ok: false, reason: `missing ${missing.join(', ')}: ${INSTALL_HINT}` };
  if (!readFileSync('/proc/filesystems', 'utf8').includes('overlay') && !existsSync('/sys/module/overlay')) {
    // overlay is usually a module that loads on first mount; only say so when nothing shows it.
    try {
      execFileSync('modprobe', ['overlay'], { stdio: 'pipe', timeout: 10_000 });
    } catch {
      return { ok: false, reason: 'overlayfs is not available (needed for the tools-missing scenario)' };
    }
  }
  const namespaces = canCreateNamespaces();
  return namespaces ? { ok: false, reason: namespaces } : { ok: true };
}
