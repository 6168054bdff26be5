// Limits written once, because both the code that enforces them and the messages that name them
// read them here: how much of a command's output runbook keeps, how sizes are said, connections.
export const MIB = 1024 * 1024;

/** A size as messages say it: `8 MiB`, `7.3 MiB`. */
export const mebibytes = (bytes: number): string => `${Number((bytes / MIB).toFixed(1))} MiB`;

/** Per stream (stdout, stderr): a command printing more is stopped rather than buffered forever. */
export const OUTPUT_LIMIT_BYTES = 16 * MIB;

/** The limit as people read it: `16 MiB`. */
export const OUTPUT_LIMIT_TEXT = mebibytes(OUTPUT_LIMIT_BYTES);

/** `--connections`: SSH connections open or being set up at once, across hosts. Enough to overlap a fleet's set-up, few enough for 2 cores. */
export const DEFAULT_CONNECTIONS = 32;
