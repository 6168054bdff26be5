// Every regular expression runbook runs (a matcher's `regex:`, a capture's pattern) comes from a
// runbook, and some are catastrophic on some input: `^(a+)+$` against 31 bytes backtracked for 66 s,
// past the check's timeout and deaf to SIGINT. V8 can switch such a regex, once it has backtracked
// too much, to its linear-time engine, which gives the same answer (it runs every pattern without
// backreferences or lookaround). Set before any user regex runs; it changes nothing for the others.
import { setFlagsFromString } from 'node:v8';
import { LINEAR_REGEX_FLAG, noteV8Flag } from '../model/v8-flags.js';

setFlagsFromString(LINEAR_REGEX_FLAG);
noteV8Flag(LINEAR_REGEX_FLAG);
