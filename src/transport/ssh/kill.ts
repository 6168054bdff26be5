// Kills process groups on a host through control channels. Kills that arrive while one is under
// way go out together in the next one: a group that ignores TERM holds its channel for the whole
// grace period, and one at a time, ten such commands would take ten grace periods to stop.
import type { ClientChannel } from 'ssh2';
import { killCommand } from './remote-command.js';

interface Batch {
  readonly pgids: Set<number>;
  readonly done: Promise<void>;
}

/** Kills as sudo or not, with a grace period or none: each kind batches on its own. */
type BatchKind = `${boolean}/${boolean}`;

export class GroupKiller {
  private readonly next = new Map<BatchKind, Batch>();
  private readonly busy = new Map<BatchKind, Promise<void>>();

  constructor(private readonly open: (command: string) => Promise<ClientChannel>) {}

  /**
   * Resolves once the group is gone or killed, or once trying is pointless (connection gone).
   * `now` skips the grace period, alongside any kill still waiting out its own.
   */
  kill(pgid: number, become: boolean, now = false): Promise<void> {
    const kind: BatchKind = `${become}/${now}`;
    const batch = this.next.get(kind) ?? this.schedule(kind, become, now);
    batch.pgids.add(pgid);
    return batch.done;
  }

  /** Resolves when every kill asked for so far has finished on the host (or failed). */
  async settled(): Promise<void> {
    await Promise.all([...this.busy.values()]);
  }

  private schedule(kind: BatchKind, become: boolean, now: boolean): Batch {
    const pgids = new Set<number>();
    const previous = this.busy.get(kind) ?? Promise.resolve();
    const done = previous.then(async () => {
      this.next.delete(kind); // later kills form the next batch
      await this.run([...pgids], become, now).catch(() => undefined);
    });
    const batch = { pgids, done };
    this.next.set(kind, batch);
    this.busy.set(kind, done);
    return batch;
  }

  private async run(pgids: number[], become: boolean, now: boolean): Promise<void> {
    const channel = await this.open(killCommand(pgids, become, now));
    await new Promise<void>((resolve) => {
      channel.on('close', () => resolve());
      channel.resume();
      channel.stderr.resume();
      channel.end();
    });
  }
}
