// Kills process groups on a host through control channels. Kills that arrive while one is under
// way go out together in the next one: a group that ignores TERM holds its channel for the whole
// grace period, and one at a time, ten such commands would take ten grace periods to stop.
import type { ClientChannel } from 'ssh2';
import { killCommand } from './remote-command.js';

interface Batch {
  readonly pgids: Set<number>;
  readonly done: Promise<void>;
}

export class GroupKiller {
  private readonly next = new Map<boolean, Batch>();
  private readonly busy = new Map<boolean, Promise<void>>();

  constructor(private readonly open: (command: string) => Promise<ClientChannel>) {}

  /** Resolves once the group is gone or killed, or once trying is pointless (connection gone). */
  kill(pgid: number, become: boolean): Promise<void> {
    const batch = this.next.get(become) ?? this.schedule(become);
    batch.pgids.add(pgid);
    return batch.done;
  }

  /** Resolves when every kill asked for so far has finished on the host (or failed). */
  async settled(): Promise<void> {
    await Promise.all([...this.busy.values()]);
  }

  private schedule(become: boolean): Batch {
    const pgids = new Set<number>();
    const previous = this.busy.get(become) ?? Promise.resolve();
    const done = previous.then(async () => {
      this.next.delete(become); // later kills form the next batch
      await this.run([...pgids], become).catch(() => undefined);
    });
    const batch = { pgids, done };
    this.next.set(become, batch);
    this.busy.set(become, done);
    return batch;
  }

  private async run(pgids: number[], become: boolean): Promise<void> {
    const channel = await this.open(killCommand(pgids, become));
    await new Promise<void>((resolve) => {
      channel.on('close', () => resolve());
      channel.resume();
      channel.stderr.resume();
      channel.end();
    });
  }
}
