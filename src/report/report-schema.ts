// The published schema of the JSON report (schemas/report.schema.json). It mirrors model/report.ts;
// a test validates real reports against it, so the two cannot drift apart silently.
import { EXIT_CODES, EXIT_CODE_MEANINGS, REPORT_EXIT_CODES } from '../model/exit-codes.js';
import type { JsonSchema } from '../model/json-schema.js';
import { STATUSES } from '../model/outcome.js';
import { REPORT_VERSION } from '../model/report.js';

const STATUS: JsonSchema = { enum: [...STATUSES] };
const COUNT_KEYS = ['total', ...STATUSES];
const COUNTS: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: COUNT_KEYS,
  properties: Object.fromEntries(COUNT_KEYS.map((key) => [key, { type: 'integer', minimum: 0 }])),
};
const EXIT_CODE: JsonSchema = {
  enum: REPORT_EXIT_CODES.map((name) => EXIT_CODES[name]),
  description: `the process exit code this report implies: ${REPORT_EXIT_CODES.map((name) => `${EXIT_CODES[name]} = ${EXIT_CODE_MEANINGS[name]}`).join('; ')}`,
};
const EXCERPT: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['text', 'totalLines', 'totalBytes', 'truncated'],
  properties: { text: { type: 'string' }, totalLines: { type: 'integer' }, totalBytes: { type: 'integer' }, truncated: { type: 'boolean' } },
};
const EVIDENCE: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'command', 'exitCode', 'durationMs', 'stdout', 'stderr'],
  properties: {
    host: { type: 'string' },
    command: { type: 'string' },
    exitCode: { type: ['integer', 'null'] },
    exitMeaning: { type: 'string' },
    signal: { type: 'string' },
    conversation: { const: true, description: 'what runbook itself said over a TCP stream (a protocol, not a command): stdout is the transcript' },
    notRun: { const: true, description: "the command never ran: the transport could not start it (the host unreachable, sudo refused); the check's reason says why" },
    stopped: { const: true, description: 'runbook ended the command on purpose once it had what it needed (a packet capture once its trigger ended): its signal is not a fault' },
    durationMs: { type: 'number', minimum: 0 },
    stdout: EXCERPT,
    stderr: EXCERPT,
  },
};
const EXPECTATION: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['field', 'matcher', 'pass', 'expected', 'actual', 'message'],
  properties: {
    field: { type: 'string' },
    matcher: { type: 'string' },
    pass: { type: 'boolean' },
    expected: { type: 'string' },
    actual: { type: 'string' },
    message: { type: 'string' },
  },
};
const CHECK: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'question', 'kind', 'host', 'target', 'status', 'durationMs', 'evidence', 'expectations', 'captures', 'observed', 'missingTools', 'informational', 'notes', 'startedAt', 'location'],
  properties: {
    id: { type: 'string' },
    question: { type: 'string' },
    kind: { type: 'string' },
    host: { type: 'string', description: 'the host role' },
    target: { type: 'string', description: 'where it ran: local or the SSH destination' },
    hostName: { type: 'string', description: 'on a fleet role (a list, a range, an inventory group): the host\'s name; the check has one result per host' },
    status: STATUS,
    reason: { type: 'string', description: 'why it did not pass; always present unless status is pass' },
    hint: { type: 'string', description: 'what to do about the fault, from the runbook: only when status is fail' },
    durationMs: { type: 'number', minimum: 0 },
    evidence: { type: 'array', items: EVIDENCE },
    expectations: { type: 'array', items: EXPECTATION },
    captures: { type: 'object', additionalProperties: { type: 'string' } },
    observed: { type: 'object', additionalProperties: { type: ['string', 'number', 'null'] }, description: "the check kind's observed fields (command output is in evidence)" },
    missingTools: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['tool', 'host'], properties: { tool: { type: 'string' }, host: { type: 'string' } } },
    },
    informational: { type: 'boolean', description: "reported, never decides its question's status" },
    notes: { type: 'array', items: { type: 'string' } },
    startedAt: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$', description: 'when the check started (for a skipped one: when it was skipped), ISO 8601 in UTC' },
    attempts: {
      type: 'array',
      description: 'with retry: or until:, the attempts before the last one, oldest first (the check\'s own fields are the last one\'s)',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['status', 'startedAt', 'durationMs', 'evidence'],
        properties: { status: STATUS, reason: { type: 'string' }, startedAt: { type: 'string' }, durationMs: { type: 'number', minimum: 0 }, evidence: { type: 'array', items: EVIDENCE } },
      },
    },
    location: {
      type: 'object',
      additionalProperties: false,
      required: ['file', 'line', 'col'],
      description: 'where the check is written: the runbook file (or the included file) and the line and column of its id',
      properties: { file: { type: 'string' }, line: { type: 'integer', minimum: 1 }, col: { type: 'integer', minimum: 1 } },
    },
  },
  if: { properties: { status: { enum: STATUSES.filter((status) => status !== 'pass') } } },
  then: { required: ['reason'], properties: { reason: { type: 'string', minLength: 1 } } },
};
const QUESTION: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['runbook', 'id', 'title', 'status', 'checks'],
  properties: {
    runbook: { type: 'string' },
    id: { type: 'string' },
    title: { type: 'string' },
    status: STATUS,
    severity: { const: 'warning', description: 'a question that is reported but never fails the run: its status does not count towards the run\'s status and exit code' },
    reason: { type: 'string' },
    hint: { type: 'string', description: 'what to do about the fault, from the runbook: only when status is fail' },
    hosts: { ...COUNTS, description: 'when some of its checks ran on a fleet: how many of its hosts ended in each status' },
    require: { type: 'string', description: 'with hosts: how many had to pass (all, any, N or N%)' },
    checks: { type: 'array', items: CHECK },
  },
};
const RUNBOOK: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['file', 'title', 'status', 'vars', 'hosts'],
  properties: {
    file: { type: 'string' },
    title: { type: 'string' },
    status: STATUS,
    vars: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    hosts: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

const FINDING: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['runbook', 'id', 'message', 'evidence'],
  properties: {
    runbook: { type: 'string' },
    id: { type: 'string' },
    message: { type: 'string' },
    hint: { type: 'string' },
    evidence: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['check', 'status'],
        properties: { check: { type: 'string' }, status: STATUS, reason: { type: 'string' }, hostName: { type: 'string' } },
      },
    },
    hosts: { type: 'array', items: { type: 'string' }, description: 'a rule about a fleet is judged host by host: the hosts where it held with this message' },
  },
};

const SHARD: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['index', 'total'],
  properties: { index: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER }, total: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } },
};

export const REPORT_SCHEMA: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://runbook.dev/schemas/report.schema.json',
  title: 'runbook report',
  description: 'The JSON report of `runbook run --reporter json`. reportVersion changes on any incompatible change.',
  type: 'object',
  additionalProperties: false,
  required: ['reportVersion', 'tool', 'startedAt', 'durationMs', 'status', 'exitCode', 'interrupted', 'summary', 'runbooks', 'questions', 'diagnosis'],
  properties: {
    reportVersion: { const: REPORT_VERSION },
    tool: { type: 'object', required: ['name', 'version'], properties: { name: { type: 'string' }, version: { type: 'string' } } },
    startedAt: { type: 'string', description: 'ISO 8601 date and time' },
    durationMs: { type: 'number', minimum: 0 },
    status: STATUS,
    exitCode: EXIT_CODE,
    interrupted: { type: 'boolean' },
    shard: { ...SHARD, description: 'runbook run --shard i/n: this report holds that part of the hosts' },
    mergedShards: { type: 'array', items: SHARD, description: 'a report made by runbook merge-reports: the shards it joined' },
    replay: {
      type: 'object',
      additionalProperties: false,
      required: ['from', 'recordedAt', 'unused'],
      description: 'runbook run --replay DIR: the checks were answered from this recording, no host was asked',
      properties: {
        from: { type: 'string', description: 'the recording directory' },
        recordedAt: { type: 'string', description: 'when the recording was made (ISO 8601)' },
        unused: {
          type: 'array',
          description: 'what the recording holds that no check asked for in this replay',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['runbook', 'check', 'host', 'attempt'],
            properties: { runbook: { type: 'string' }, check: { type: 'string' }, host: { type: 'string' }, attempt: { type: 'string' } },
          },
        },
      },
    },
    summary: { type: 'object', additionalProperties: false, required: ['questions', 'checks'], properties: { questions: COUNTS, checks: COUNTS } },
    runbooks: { type: 'array', items: RUNBOOK },
    questions: { type: 'array', items: QUESTION },
    diagnosis: { type: 'array', items: FINDING, description: 'findings of the runbooks\' diagnosis rules that held, in rule order' },
  },
};
