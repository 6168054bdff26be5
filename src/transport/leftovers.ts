// What a command leaves in its process group once it has exited (`nohup x &`, a daemon holding its
// output) is ended the same way on every transport: TERM, then KILL what is still there 0.2 s later,
// and in both cases a look until the group is gone, for "ended" to mean gone, not signalled. The
// SSH wrapper does it in the host's shell (ssh/remote-command.ts), the local transport here.

/**
 * After TERM, the waits (ms) before each look: most groups are gone a moment after TERM, so the
 * first looks come soon (a stopped capture waited out a whole 0.2 s on every run before).
 */
export const AFTER_TERM_LOOKS_MS: readonly number[] = [10, 20, 50, 120];

/**
 * After KILL, the waits (ms) before each look, 0.5 s in all. A killed process is not gone at once:
 * it must be scheduled to die, and on a busy host it was still running when the command's outcome
 * had already been reported (a CI run read state R of a TERM-deaf leftover just after). Only a
 * process stuck in the kernel (state D) outlasts the looks, and nothing waits longer for it.
 */
export const AFTER_KILL_LOOKS_MS: readonly number[] = [10, 20, 50, 120, 300];

/** How long, at most, a KILLed group is waited for. */
export const AFTER_KILL_WAIT_MS = AFTER_KILL_LOOKS_MS.reduce((sum, ms) => sum + ms, 0);

/** The waits as `sleep` takes them in a shell loop: seconds, separated by spaces. */
export const inShellSeconds = (looks: readonly number[]): string => looks.map((ms) => ms / 1000).join(' ');
