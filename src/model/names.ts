// The names a runbook gives things, as patterns for the schemas: one spelling for every stage.

/** Questions, checks, diagnosis rules and host roles: kebab-case, e.g. `mysqld-process`. */
export const ID_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';

/** Variables and captures: identifiers, e.g. `db_password`, so `${vars.db_password}` reads as one. */
export const NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
