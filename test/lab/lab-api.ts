// The lab's public shape, apart from how it is made: what tests and cli.ts program against.
import type { Scenario } from './faults.js';
import type { ClientKeys } from './keys.js';
import type { CoreHostName } from './topology.js';

export interface LabHost {
  name: string;
  ip: string;
  netns: string;
  /** sshd's PID seen from the controller; 0 while the host is stopped. */
  sshdPid: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface Lab {
  dir: string;
  sshConfigPath: string;
  knownHostsPath: string;
  clientKeys: ClientKeys;
  hosts: Record<CoreHostName, LabHost>;
  fleet: LabHost[];
  scenario: Scenario;
  setScenario(scenario: Scenario): Promise<void>;
  sshOnlyViaBastion(on: boolean): Promise<void>;
  /** Stops the whole host: sshd is its PID 1, so everything in it (mysqld on db) ends too. */
  stopSshd(name: string): Promise<void>;
  /** Starts a stopped host again and restores its part of the current scenario. */
  startSshd(name: string): Promise<void>;
  /** Takes the host's bridge port down (silent host: connections time out) or back up. */
  setReachable(name: string, reachable: boolean): Promise<void>;
  exec(name: string, command: string, timeoutMs?: number): Promise<ExecResult>;
  addFleet(n: number): Promise<LabHost[]>;
  down(): Promise<void>;
}
