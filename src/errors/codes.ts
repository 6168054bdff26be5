// Every input problem has a stable code: tests, docs and users' scripts key on it, never on wording.
export const ERROR_CODES = {
  RB_FILE: 'the runbook file cannot be read',
  RB_YAML: 'YAML syntax error',
  RB_SCHEMA: 'the file does not match schemas/runbook.schema.json',
  RB_DUPLICATE_ID: 'two questions or two checks share an id',
  RB_DUPLICATE_CAPTURE: 'two checks capture a value under the same name',
  RB_UNKNOWN_HOST: '`on` names a host role that `hosts` does not define',
  RB_UNKNOWN_DEPENDENCY: '`depends_on` names a check that does not exist',
  RB_CYCLE: 'checks depend on each other in a cycle',
  RB_UNKNOWN_VAR: '`${vars.x}` names a variable that `vars` does not define',
  RB_UNKNOWN_CAPTURE: '`${captures.x}` names a capture no check defines',
  RB_CAPTURE_SCOPE: 'a check uses a capture without depending on the check that produces it',
  RB_UNSAFE_REFERENCE: 'a reference in a command line stands where the shell never expands it or parses its value again as code',
  RB_DIAGNOSIS: 'a diagnosis rule names an unknown check or field, or has a malformed condition',
  RB_MATCHER: 'an expectation cannot be compiled (wrong field type, bad regex, unknown field)',
  RB_INCLUDE: 'an include names a missing file, closes a cycle, or does not fit (a role, a variable, a clashing id)',
  RB_INVENTORY: 'an inventory (--inventory) cannot be read, or a role names a group or host it does not have',
  RB_RECORDING: 'a recording (--record, --replay, runbook test) cannot be written or read, or its expectations are malformed',
  RB_TOO_LARGE: 'the roles hold more hosts, or the checks make more check runs, than one run may',
  RB_USAGE: 'bad command-line usage',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
