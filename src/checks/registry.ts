// Every check kind, by the YAML key that selects it. Adding one: a file in this folder plus one line
// here (kept sorted); schema, loader, planner, executor and conformance test read this table.
import { command } from './command.js';
import { listening } from './listening.js';
import { mysqlCheck } from './mysql.js';
import { packetCapture } from './packet-capture.js';
import { ping } from './ping.js';
import { portScan } from './port-scan.js';
import { processCheck } from './process.js';
import { tcpConnect } from './tcp-connect.js';
import type { CheckKind } from './types.js';

/* eslint sort-keys: ["error", "asc"] -- one line per check kind, easy to scan */
export const CHECK_KINDS = {
  listening,
  mysql: mysqlCheck,
  packet_capture: packetCapture,
  ping,
  port_scan: portScan,
  process: processCheck,
  run: command,
  tcp_connect: tcpConnect,
} as const satisfies Record<string, CheckKind<never>>;

export type CheckKindKey = keyof typeof CHECK_KINDS;

export const CHECK_KIND_KEYS = Object.keys(CHECK_KINDS) as CheckKindKey[];

/** Erases the kind's spec type: the loader has validated the spec against the kind's schema. */
export const checkKindFor = (key: string): CheckKind<unknown> | undefined =>
  Object.hasOwn(CHECK_KINDS, key) ? CHECK_KINDS[key as CheckKindKey] : undefined;
