// Reads the JSON reports `merge-reports` joins and checks each against the published report schema,
// so the merge works on reports it understands. Every problem of every file is said at once, each
// naming its file: a CI job that downloaded the wrong artifact learns it in one go.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { InputError, errorText, type Diagnostic } from '../errors/diagnostic.js';
import { failed, ok, type Result } from '../model/result.js';
import type { RunReport } from '../model/report.js';
import { firstHidden, shownCharacter } from '../model/visible-text.js';
import { REPORT_SCHEMA } from '../report/report-schema.js';
import { readText } from '../runbook/read-text.js';
import { reportVersionProblem, type ReportFile } from './merge-reports.js';

let compiled: ValidateFunction | undefined;

// Compiled as a consumer of the report compiles it (test/helpers/run-cli.ts), stopping at the first
// error: one line per file says what is wrong with it.
const validator = (): ValidateFunction => (compiled ??= new Ajv({ strict: true, allowUnionTypes: true }).compile(REPORT_SCHEMA));

const usage = (message: string, hint?: string): Diagnostic => ({ code: 'RB_USAGE', message, ...(hint ? { hint } : {}) });

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `/questions/0/status must be one of pass, fail, error, skipped`, or `the report ...` at the top. */
const describeError = ({ keyword, instancePath, params, message }: ErrorObject): string => {
  const where = instancePath === '' ? 'the report' : instancePath;
  switch (keyword) {
    case 'enum':
      return `${where} must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'const':
      return `${where} must be ${JSON.stringify(params.allowedValue)}`;
    case 'required':
      return `${instancePath}/${String(params.missingProperty)} is missing`;
    case 'additionalProperties':
      return `${where} has unknown property "${String(params.additionalProperty)}"`;
    default:
      return `${where} ${message ?? `fails ${keyword}`}`;
  }
};

/** Parsed JSON that is not a runbook report: what the schema says first (an `if` only says its `then` failed). */
const schemaProblem = (file: string, data: unknown): Diagnostic | undefined => {
  const validate = validator();
  if (validate(data)) return undefined;
  const first = validate.errors?.find((error) => error.keyword !== 'if');
  // Without reportVersion the file is most likely some other JSON: say what it should have been.
  const hint = isObject(data) && 'reportVersion' in data ? undefined : 'not a runbook report: runbook run --reporter json:FILE writes one';
  return usage(`${file}: ${first ? describeError(first) : 'does not match schemas/report.schema.json'}`, hint);
};

/** `/questions/0/title`: where a value is, as the schema's messages say it (RFC 6901). */
const pointer = (path: readonly (string | number)[]): string => path.map((step) => `/${String(step).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/**
 * The first key or text of `data` holding a character that acts on a terminal, and where it is. The
 * path is built only for the one found: a shard's report may hold millions of values.
 */
const firstHiddenText = (data: unknown): { path: (string | number)[]; char: string } | undefined => {
  if (typeof data === 'string') {
    const at = firstHidden(data);
    return at < 0 ? undefined : { path: [], char: data[at]! };
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const list = Array.isArray(data);
  for (const [key, value] of Object.entries(data)) {
    const found = (list ? undefined : firstHiddenText(key)) ?? firstHiddenText(value);
    if (found) return { path: [list ? Number(key) : key, ...found.path], char: found.char };
  }
  return undefined;
};

/**
 * runbook writes every such character of what hosts said as its escape (model/visible-text.ts), and
 * a runbook's own texts cannot hold one: a report that does was written or changed by something
 * else, and its texts would act on the terminal of whoever reads the merge.
 */
const hiddenTextProblem = (file: string, report: unknown): Diagnostic | undefined => {
  const found = firstHiddenText(report);
  return found
    ? usage(`${file}: ${pointer(found.path) || 'the report'} holds ${shownCharacter(found.char)}, a character that acts on a terminal, which runbook writes as its escape in every report it makes`, 'merge the reports runbook run --reporter json:FILE wrote, unchanged')
    : undefined;
};

/** A shard's JSON report carries every host's evidence: far more than a runbook, still bounded. */
const MAX_REPORT_BYTES = 512 * 1024 * 1024;

/** The report in a file, or the one problem that stops it being one. */
const readReport = async (file: string): Promise<Result<RunReport, Diagnostic>> => {
  const text = await readText(file, MAX_REPORT_BYTES);
  if (!text.ok) return failed(usage(`${file}: cannot read it: ${text.error}`));
  let data: unknown;
  try {
    data = JSON.parse(text.value);
  } catch (error) {
    return failed(usage(`${file}: not JSON: ${errorText(error)}`));
  }
  // Checked before the schema, whose own complaint (`/reportVersion must be 1`) says less.
  const version = isObject(data) && 'reportVersion' in data ? reportVersionProblem(file, data.reportVersion) : undefined;
  const problem = version ?? schemaProblem(file, data) ?? hiddenTextProblem(file, data);
  return problem ? failed(problem) : ok(data as RunReport);
};

/** Every file read and checked; every problem of every file at once, as an InputError. */
export const readReports = async (files: readonly string[]): Promise<ReportFile[]> => {
  const results = await Promise.all(files.map(async (file) => ({ file, result: await readReport(file) })));
  const problems = results.flatMap(({ result }) => (result.ok ? [] : [result.error]));
  if (problems.length > 0) throw new InputError(problems);
  return results.flatMap(({ file, result }) => (result.ok ? [{ file, report: result.value }] : []));
};
