// A TCP port as runbooks, --host and probes take it: a whole number from 1 to 65535.
export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** `1-65535`, for descriptions and messages. */
export const PORT_RANGE = `${MIN_PORT}-${MAX_PORT}`;

export const isPort = (value: number): boolean => Number.isInteger(value) && value >= MIN_PORT && value <= MAX_PORT;
