// Extra sshd-only hosts for benchmarks: host01.. at 10.201.0.(10+i) on their own bridge, so the
// fleet never shares a segment with the fault scenarios' app and db.
import { FLEET_BRIDGE } from './netns.js';
import { ensureBridge, provisionHost } from './provision.js';
import type { HostRecord, LabContext } from './state.js';
import { fleetHost, type HostAddress } from './topology.js';

/** Hosts started at once: sshd start-up is mostly waiting, but 2 cores choke on 50 at a time. */
const CONCURRENCY = 8;

export function fleetRecords(ctx: LabContext): HostRecord[] {
  return Object.values(ctx.state.hosts).filter((host) => host.bridge === FLEET_BRIDGE.name);
}

async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      results.push(await work(item));
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}

/** Adds n hosts after the existing ones (a second call continues the numbering). */
export async function addFleetHosts(ctx: LabContext, n: number): Promise<HostRecord[]> {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`addFleet needs a positive integer, got ${n}`);
  await ensureBridge(ctx, FLEET_BRIDGE);
  const first = fleetRecords(ctx).length + 1;
  const addresses: HostAddress[] = Array.from({ length: n }, (_, offset) => fleetHost(first + offset));
  const added = await inBatches(addresses, CONCURRENCY, (address) => provisionHost(ctx, address));
  return added.sort((a, b) => a.name.localeCompare(b.name));
}
