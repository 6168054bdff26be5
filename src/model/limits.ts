// How much of a command's output runbook keeps: the transports stop a command at the limit, and the
// reason they report names it, so the number is written once.
const MIB = 1024 * 1024;

/** Per stream (stdout, stderr): a command printing more is stopped rather than buffered forever. */
export const OUTPUT_LIMIT_BYTES = 16 * MIB;

/** The limit as people read it: `16 MiB`. */
export const OUTPUT_LIMIT_TEXT = `${OUTPUT_LIMIT_BYTES / MIB} MiB`;

/** `--connections`: SSH connections open or being set up at once, across hosts. Enough to overlap a fleet's set-up, few enough for 2 cores. */
export const DEFAULT_CONNECTIONS = 32;
