// Node's http and tls modules, loaded when a check first speaks HTTP or TLS. Imported at the top,
// they and what they bring (net, crypto, the HTTP parser, the root certificates) cost every
// command about 13 ms of start-up on a 2-core machine (npm run bench: `runbook validate`), and
// most runs never use them. require() keeps the callers synchronous; Node caches the module.
import { createRequire } from 'node:module';
import type * as Http from 'node:http';
import type * as Tls from 'node:tls';

const load = createRequire(import.meta.url);

export const nodeHttp = (): typeof Http => load('node:http') as typeof Http;

export const nodeTls = (): typeof Tls => load('node:tls') as typeof Tls;
