// The ajv that checks runbooks, for `npm run schema` to compile the runbook schema once into
// schemas/runbook.validate.cjs (runbook/validate.ts loads that). patternErrorMessage is an
// annotation for editors and for validate.ts's messages, not a rule.
import { Ajv } from 'ajv';

export const runbookAjv = (): Ajv =>
  new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false, code: { source: true } }).addVocabulary(['patternErrorMessage']);
