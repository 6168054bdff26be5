// Every check kind, by the YAML key that selects it. Adding one: a file in this folder plus one line
// here (kept sorted); schema, loader, planner, executor and conformance test read this table.
import { command } from './command.js';
import { dns } from './dns.js';
import { fileCheck } from './file.js';
import { http } from './http.js';
import { listening } from './listening.js';
import { mysqlCheck } from './mysql.js';
import { packetCapture } from './packet-capture.js';
import { ping } from './ping.js';
import { portScan } from './port-scan.js';
import { processCheck } from './process.js';
import { service } from './service.js';
import { tcpConnect } from './tcp-connect.js';
import { tls } from './tls.js';
import type { CheckKind } from './types.js';

/* eslint sort-keys: ["error", "asc"] -- one line per check kind, easy to scan */
export const CHECK_KINDS = {
  dns,
  file: fileCheck,
  http,
  listening,
  mysql: mysqlCheck,
  packet_capture: packetCapture,
  ping,
  port_scan: portScan,
  process: processCheck,
  run: command,
  service,
  tcp_connect: tcpConnect,
  tls,
} as const satisfies Record<string, CheckKind<never>>;

export type CheckKindKey = keyof typeof CHECK_KINDS;

export const CHECK_KIND_KEYS = Object.keys(CHECK_KINDS) as CheckKindKey[];

export const isCheckKindKey = (key: string): key is CheckKindKey => Object.hasOwn(CHECK_KINDS, key);

/** Erases the kind's spec type: the loader has validated the spec against the kind's schema. */
const kindByKey = (key: CheckKindKey): CheckKind<unknown> => CHECK_KINDS[key];

/**
 * The kind of a loaded check. The loader admits only registered keys, so a miss is a bug in
 * runbook, reported as one, never a silent fallback.
 */
export const checkKindOf = (check: { readonly kind: string }): CheckKind<unknown> => {
  if (!isCheckKindKey(check.kind)) throw new Error(`no check kind "${check.kind}" is registered`);
  return kindByKey(check.kind);
};
