// One self-contained HTML page, so an incident can be shared as a single file and opened anywhere
// offline: the run's verdict, each question with its checks and their evidence, the diagnosis, and
// a timeline of the checks per host. A question over a fleet shows how many of its hosts passed, and
// each of its checks is one row per host, named by the host. Nothing is fetched: the styles are inline, there is no script,
// no font and no image, and a Content-Security-Policy says so to the browser as well.
//
// Every piece of text from the report passes `escapeText` on its way into the page: markup is only
// ever made by the `html` template tag below, which escapes whatever it is given that is not already
// markup. A host printing `</pre><script>` therefore shows those characters and ends nothing.
import { roleAndTarget } from '../model/host-address.js';
import { escapeControl } from '../model/visible-text.js';
import { exitText } from './evidence-text.js';
import { replayLines } from './replay-note.js';
import { STATUSES, type Evidence, type Excerpt, type ExpectationResult, type Status } from '../model/outcome.js';
import type { CheckResult, Counts, Finding, QuestionResult, RunbookSummary, RunReport } from '../model/report.js';
import { decidesQuestion } from './gating.js';
import type { Reporter } from './types.js';
import { counted } from '../model/counted.js';

// ---- Markup that cannot be forged by text ----------------------------------------------------------

/** Markup made by `html` alone; any other value put into a page is text and is escaped. */
class Markup {
  constructor(readonly source: string) {}
}

type Part = Markup | string | number | boolean | null | undefined | readonly Part[];

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text as it must be written into an element or a quoted attribute to read back as itself, its
 * hidden characters shown as the other reporters show them (model/visible-text.ts): HTML would also
 * drop or fold some (a NUL, a carriage return).
 */
export const escapeText = (text: string): string => escapeControl(text).replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);

const isParts = (part: Part): part is readonly Part[] => Array.isArray(part);

const renderPart = (part: Part): string => {
  if (part instanceof Markup) return part.source;
  if (typeof part === 'string') return escapeText(part);
  if (typeof part === 'number') return escapeText(String(part));
  if (isParts(part)) return part.map(renderPart).join('');
  return ''; // null, undefined and booleans: what `cond && markup` leaves when cond is false
};

/** The template tag: literal markup as written, every interpolated value escaped unless it is Markup. */
const html = (literals: TemplateStringsArray, ...parts: readonly Part[]): Markup =>
  new Markup(literals.reduce((page, literal, index) => page + renderPart(parts[index - 1]) + literal));

// ---- Words and numbers ---------------------------------------------------------------------------

const LABEL: Record<Status, string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skipped: 'SKIP' };
/** Glyphs in every common font (DejaVu, Segoe UI Symbol); U+FE0E keeps ⚠ from turning into an emoji. */
const ICON: Record<Status, string> = { pass: '✔', fail: '✖', error: '⚠\uFE0E', skipped: '⊘' };

const badge = (status: Status): Markup =>
  html`<span class="badge s-${status}" data-status="${status}"><span aria-hidden="true">${ICON[status]}</span> ${LABEL[status]}</span>`;


const duration = (ms: number): string => {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
};

const bytes = (count: number): string => (count < 1024 ? counted(count, 'byte') : `${(count / 1024).toFixed(1)} KiB`);

const msSince = (iso: string, origin: string): number => {
  const offset = Date.parse(iso) - Date.parse(origin);
  return Number.isFinite(offset) ? Math.max(0, offset) : 0;
};

/** An ISO instant as people read it, kept machine-readable in <time datetime>. */
const instant = (iso: string): Markup => html`<time datetime="${iso}">${iso.replace('T', ' ').replace(/Z$/, ' UTC')}</time>`;

/** `db (admin@10.0.0.5)`, or on a fleet the host, `web07 (root@10.0.0.7:22)`. */
const where = (check: CheckResult): string => roleAndTarget(check.hostName ?? check.host, check.target);

/** `data-host`, on a fleet's rows only, so a page of one host per role stays as it was. */
const hostAttribute = (check: CheckResult): Markup => (check.hostName === undefined ? html`` : html` data-host="${check.hostName}"`);

// ---- Anchors: questions and checks by position, so ids from the runbook never become HTML ids ----

interface Anchors {
  readonly question: (question: QuestionResult) => string;
  readonly check: (check: CheckResult) => string;
  /** A finding names its checks by id within its runbook, and on a fleet by host: without one, the first host's. */
  readonly byRunbookCheck: (runbook: string, checkId: string, hostName?: string) => string | undefined;
}

const anchorsOf = (report: RunReport): Anchors => {
  const questions = new Map<QuestionResult, string>();
  const checks = new Map<CheckResult, string>();
  const named = new Map<string, string>();
  report.questions.forEach((question, q) => {
    questions.set(question, `q${q + 1}`);
    question.checks.forEach((check, c) => {
      const anchor = `q${q + 1}-c${c + 1}`;
      checks.set(check, anchor);
      const byId = `${question.runbook}\u0000${check.id}`;
      if (!named.has(byId)) named.set(byId, anchor);
      if (check.hostName !== undefined) named.set(`${byId}\u0000${check.hostName}`, anchor);
    });
  });
  return {
    question: (question) => questions.get(question) ?? '',
    check: (check) => checks.get(check) ?? '',
    byRunbookCheck: (runbook, checkId, hostName) =>
      (hostName === undefined ? undefined : named.get(`${runbook}\u0000${checkId}\u0000${hostName}`)) ?? named.get(`${runbook}\u0000${checkId}`),
  };
};

// ---- The run ---------------------------------------------------------------------------------------

const countsRow = (what: string, counts: Counts): Markup =>
  html`<tr><th scope="row">${what}</th><td>${counts.total}</td>${STATUSES.map(
    (status) => html`<td class="${counts[status] > 0 ? `s-${status}` : 'zero'}" data-status="${status}">${counts[status]}</td>`,
  )}</tr>`;

const countsTable = (report: RunReport): Markup => html`<table class="counts">
<thead><tr><th></th><th scope="col">total</th>${STATUSES.map((status) => html`<th scope="col">${ICON[status]} ${status}</th>`)}</tr></thead>
<tbody>${countsRow('questions', report.summary.questions)}${countsRow('checks', report.summary.checks)}</tbody>
</table>`;

const hostList = (runbook: RunbookSummary): Markup =>
  html`<ul class="hosts">${Object.entries(runbook.hosts).map(([role, target]) => html`<li><strong>${role}</strong> <code>${target}</code></li>`)}</ul>`;

const runbooksTable = (report: RunReport): Markup => html`<table class="runbooks">
<thead><tr><th scope="col">runbook</th><th scope="col">file</th><th scope="col">verdict</th><th scope="col">hosts</th></tr></thead>
<tbody>${report.runbooks.map((runbook) => html`<tr><td>${runbook.title}</td><td><code>${runbook.file}</code></td><td>${badge(runbook.status)}</td><td>${hostList(runbook)}</td></tr>`)}</tbody>
</table>`;

const verdictLine = (report: RunReport): Markup => {
  const { questions } = report.summary;
  const notPassed = questions.total - questions.pass;
  const gist = notPassed === 0 ? `all ${counted(questions.total, 'question')} passed` : `${notPassed} of ${counted(questions.total, 'question')} did not pass`;
  return html`<p class="verdict">${badge(report.status)} <span>exit code <strong class="exit-code">${report.exitCode}</strong>${report.interrupted ? html` · <strong class="interrupted">interrupted</strong>` : ''} · ${gist}</span></p>`;
};

const runHeader = (report: RunReport): Markup => html`<header class="run s-${report.status}" id="run" data-status="${report.status}">
<p class="eyebrow">runbook report</p>
<h1>${report.runbooks.map((runbook) => runbook.title).join(' · ') || 'runbook'}</h1>
${verdictLine(report)}
<dl class="facts">
<div><dt>started</dt><dd>${instant(report.startedAt)}</dd></div>
<div><dt>took</dt><dd class="run-duration">${duration(report.durationMs)}</dd></div>
<div><dt>by</dt><dd>${report.tool.name} ${report.tool.version}</dd></div>
</dl>
${countsTable(report)}
${runbooksTable(report)}
</header>`;

// ---- Evidence --------------------------------------------------------------------------------------

/** HTML drops a newline right after <pre>: one is written there so output that starts with one keeps it. */
const stream = (name: string, excerpt: Excerpt, className: string): Markup => {
  if (excerpt.text === '') return html``;
  const size = excerpt.truncated ? ` — an excerpt of ${counted(excerpt.totalLines, 'line')}, ${bytes(excerpt.totalBytes)}` : '';
  return html`<div class="stream"><p class="stream-name">${name}<span class="muted">${size}</span></p><pre class="${className}">\n${excerpt.text}</pre></div>`;
};

/** A conversation (runbook speaking a protocol itself) has no exit code: a transcript and a problem. */
const evidenceBlock = (evidence: Evidence): Markup => {
  const [out, err] = evidence.conversation ? ['said', 'problem'] : ['stdout', 'stderr'];
  const silent = evidence.stdout.text === '' && evidence.stderr.text === '';
  return html`<div class="evidence">
<p class="command"><span class="prompt" aria-hidden="true">${evidence.conversation ? '~' : '$'}</span> <code>${evidence.command}</code></p>
<p class="ran">${evidence.conversation ? '' : html`<span class="exit">${exitText(evidence)}</span> · `}${evidence.notRun ? '' : html`<span class="took">${duration(evidence.durationMs)}</span> · `}on <span class="on">${evidence.host}</span>${silent ? ' · no output' : ''}</p>
${stream(out, evidence.stdout, 'stdout')}${stream(err, evidence.stderr, 'stderr')}
</div>`;
};

// ---- Checks ----------------------------------------------------------------------------------------

const expectationsBlock = (expectations: readonly ExpectationResult[]): Markup => {
  const failed = expectations.filter((expectation) => !expectation.pass);
  if (failed.length === 0) return html``;
  const held = expectations.length - failed.length;
  return html`<div class="expectations"><p class="label">failed expectations${held > 0 ? html` <span class="muted">(${held} more held)</span>` : ''}</p>
<ul>${failed.map((expectation) => html`<li class="expectation"><span aria-hidden="true">✖</span> ${expectation.message}</li>`)}</ul></div>`;
};

const valuesTable = (label: string, className: string, entries: readonly (readonly [string, string])[]): Markup =>
  entries.length === 0
    ? html``
    : html`<div class="${className}"><p class="label">${label}</p><table class="values">${entries.map(([name, value]) => html`<tr><th scope="row"><code>${name}</code></th><td><code>${value}</code></td></tr>`)}</table></div>`;

const notesBlock = (check: CheckResult): Markup => {
  const missing = check.missingTools.map(({ tool, host }) => `missing tool: ${tool} on ${host}`);
  const notes = [...check.notes, ...missing];
  return notes.length === 0 ? html`` : html`<div class="notes"><p class="label">notes</p><ul>${notes.map((note) => html`<li class="note">${note}</li>`)}</ul></div>`;
};

/** On a fleet, the host and the role it is one of. */
const hostFact = (check: CheckResult): Markup =>
  check.hostName === undefined
    ? html`<strong>${check.host}</strong> <code>${check.target}</code>`
    : html`<strong>${check.hostName}</strong> <code>${check.target}</code> <span class="muted">of ${check.host}</span>`;

const checkFacts = (check: CheckResult, runStartedAt: string): Markup => html`<dl class="facts">
<div><dt>host</dt><dd>${hostFact(check)}</dd></div>
<div><dt>kind</dt><dd>${check.kind}</dd></div>
<div><dt>started</dt><dd>+${duration(msSince(check.startedAt, runStartedAt))} <span class="muted">(${instant(check.startedAt)})</span></dd></div>
<div><dt>took</dt><dd>${duration(check.durationMs)}</dd></div>
<div><dt>written at</dt><dd><code>${check.location.file}:${check.location.line}:${check.location.col}</code></dd></div>
</dl>`;

/** The reason is not repeated here: the summary line above the body always shows it. */
const checkBody = (check: CheckResult, runStartedAt: string): Markup => html`<div class="body">
${check.hint ? html`<p class="hint"><strong>hint</strong> <span class="hint-text">${check.hint}</span></p>` : ''}
${expectationsBlock(check.expectations)}
${valuesTable('captures', 'captures', Object.entries(check.captures))}
${valuesTable('observed', 'observed', Object.entries(check.observed).map(([field, value]) => [field, String(value)] as const))}
${notesBlock(check)}
${check.evidence.map(evidenceBlock)}
${checkFacts(check, runStartedAt)}
</div>`;

/** Passing checks fold away: what needs reading is what did not pass. */
const checkDetails = (check: CheckResult, question: QuestionResult, anchors: Anchors, runStartedAt: string): Markup => {
  const informational = check.informational ? (decidesQuestion(check, question) ? 'informational' : 'informational, does not decide') : '';
  return html`<details class="check s-${check.status}" id="${anchors.check(check)}" data-check="${check.id}"${hostAttribute(check)} data-status="${check.status}"${check.status === 'pass' ? '' : html` open`}>
<summary>${badge(check.status)} <code class="check-id">${check.id}</code>${informational ? html` <span class="tag">${informational}</span>` : ''} <span class="muted">on</span> <span class="where">${where(check)}</span> <span class="muted took">${duration(check.durationMs)}</span>${check.reason ? html`<span class="summary-reason">${check.reason}</span>` : ''}</summary>
${checkBody(check, runStartedAt)}
</details>`;
};

/** A question of severity warning is shown with its verdict, and says that it does not fail the run. */
const warningTag = (question: QuestionResult): Markup =>
  question.severity === 'warning' ? html` <span class="tag" data-severity="warning">warning: does not fail the run</span>` : html``;

/** `48/50 hosts pass (require all)`, for a question over a fleet. */
const hostCountTag = (question: QuestionResult): Markup => {
  if (!question.hosts) return html``;
  const { pass, total } = question.hosts;
  const require = question.require === undefined ? '' : ` (require ${question.require})`;
  return html` <span class="tag" data-hosts-pass="${pass}" data-hosts-total="${total}">${pass}/${total} hosts pass${require}</span>`;
};

const questionSection = (question: QuestionResult, anchors: Anchors, runStartedAt: string): Markup => html`<section class="question s-${question.status}" id="${anchors.question(question)}" data-question="${question.id}" data-status="${question.status}">
<h3>${badge(question.status)} <span class="title">${question.title}</span> <code class="muted">${question.id}</code>${hostCountTag(question)}${warningTag(question)}</h3>
${question.reason ? html`<p class="reason">${question.reason}</p>` : ''}
${question.hint ? html`<p class="hint"><strong>hint</strong> <span class="hint-text">${question.hint}</span></p>` : ''}
${question.checks.map((check) => checkDetails(check, question, anchors, runStartedAt))}
</section>`;

const questionsPart = (report: RunReport, anchors: Anchors): Markup => {
  const several = report.runbooks.length > 1;
  return html`<section id="questions"><h2>Questions</h2>${report.runbooks.map(
    (runbook) => html`${several ? html`<h3 class="runbook-title">${runbook.title} <code class="muted">${runbook.file}</code></h3>` : ''}${report.questions
      .filter((question) => question.runbook === runbook.file)
      .map((question) => questionSection(question, anchors, report.startedAt))}`,
  )}</section>`;
};

// ---- Diagnosis -------------------------------------------------------------------------------------

const restsOn = (finding: Finding, anchors: Anchors): Markup => html`<ul class="rests-on">${finding.evidence.map((item) => {
  const anchor = anchors.byRunbookCheck(finding.runbook, item.check, item.hostName);
  const name = html`<code>${item.check}</code>${item.hostName === undefined ? '' : html` <span class="muted">on</span> ${item.hostName}`}`;
  return html`<li data-check="${item.check}">${badge(item.status)} ${anchor ? html`<a href="#${anchor}">${name}</a>` : name}${item.reason ? html` <span class="muted">${item.reason}</span>` : ''}</li>`;
})}</ul>`;

/** Every host a rule held on: the page is the record of the incident, so none is left out. */
const findingHosts = (hosts: readonly string[] | undefined): Markup =>
  hosts ? html`<p class="label">on ${counted(hosts.length, 'host')}</p><p class="finding-hosts">${hosts.join(', ')}</p>` : html``;

const findingBlock = (finding: Finding, anchors: Anchors): Markup => html`<article class="finding" data-finding="${finding.id}">
<h3><span aria-hidden="true">➜</span> <span class="message">${finding.message}</span> <code class="muted">${finding.id}</code></h3>
${finding.hint ? html`<p class="hint"><strong>hint</strong> <span class="hint-text">${finding.hint}</span></p>` : ''}
${findingHosts(finding.hosts)}<p class="label">rests on</p>
${restsOn(finding, anchors)}
</article>`;

const diagnosisPart = (report: RunReport, anchors: Anchors): Markup => html`<section id="diagnosis"><h2>Diagnosis</h2>
${report.diagnosis.length === 0 ? html`<p class="muted">No finding: no diagnosis rule matched this run.</p>` : report.diagnosis.map((finding) => findingBlock(finding, anchors))}
</section>`;

// ---- Timeline: one lane per host, one row per check, placed in % of the run ------------------------

interface Bar {
  readonly check: CheckResult;
  readonly startMs: number;
  /** In % of the time axis, rounded so the page (and a test) reads exact numbers. */
  readonly left: number;
  readonly width: number;
}

interface Lane {
  readonly host: string;
  readonly target: string;
  readonly bars: readonly Bar[];
}

const percent = (ms: number, spanMs: number): number => Number(((ms / spanMs) * 100).toFixed(3));

/** The axis covers the run, and any check that (clock skew, rounding) ends after the run did. */
const timeSpan = (report: RunReport, checks: readonly CheckResult[]): number =>
  Math.max(1, report.durationMs, ...checks.map((check) => msSince(check.startedAt, report.startedAt) + check.durationMs));

/** Lanes in the order their hosts first appear (a fleet's hosts by name), each check by when it started. */
const lanesOf = (report: RunReport, checks: readonly CheckResult[], spanMs: number): Lane[] => {
  const lanes = new Map<string, { host: string; target: string; bars: Bar[] }>();
  for (const check of checks) {
    const host = check.hostName ?? check.host;
    const key = `${host}\u0000${check.target}`;
    const lane = lanes.get(key) ?? { host, target: check.target, bars: [] };
    lanes.set(key, lane);
    const startMs = msSince(check.startedAt, report.startedAt);
    lane.bars.push({ check, startMs, left: percent(startMs, spanMs), width: percent(check.durationMs, spanMs) });
  }
  return [...lanes.values()].map((lane) => ({ ...lane, bars: [...lane.bars].sort((a, b) => a.startMs - b.startMs) }));
};

/** A round step (1, 2 or 5 times a power of ten) giving five to ten ticks over the span. */
const tickStep = (spanMs: number): number => {
  const rough = spanMs / 8;
  const power = 10 ** Math.floor(Math.log10(rough));
  // Never below 1 ms: the report counts whole milliseconds, and a fractional step would print as 0.6000000000000001 ms.
  return Math.max(1, [1, 2, 5, 10].map((factor) => factor * power).find((step) => step >= rough) ?? 10 * power);
};

const ticksOf = (spanMs: number): number[] => {
  const step = tickStep(spanMs);
  return Array.from({ length: Math.floor(spanMs / step) + 1 }, (_, index) => index * step);
};

const tickLabel = (ms: number): string => (ms === 0 ? '0' : ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(2))} s`);

/**
 * The label goes where there is room: after a bar that ends early, before one that starts late,
 * and over a long bar that spans the middle (on a white chip, so it reads on any fill).
 */
const labelPlacement = ({ left, width }: Bar): string => {
  const end = Number((left + width).toFixed(3));
  if (end <= 62) return `left:calc(${end}% + 6px)`;
  if (left >= 38) return `right:calc(${Number((100 - left).toFixed(3))}% + 6px)`;
  return `left:calc(${left}% + 6px)`;
};

const barTitle = (bar: Bar): string =>
  `${bar.check.id}: ${LABEL[bar.check.status]} on ${where(bar.check)}, started +${duration(bar.startMs)}, took ${duration(bar.check.durationMs)}${bar.check.reason ? ` — ${bar.check.reason}` : ''}`;

const barRow = (bar: Bar, anchors: Anchors): Markup => html`<div class="tl-row s-${bar.check.status}" data-check="${bar.check.id}" data-status="${bar.check.status}" data-start-ms="${bar.startMs}" data-duration-ms="${bar.check.durationMs}" title="${barTitle(bar)}">
<span class="tl-bar s-${bar.check.status}" style="left:${bar.left}%;width:${bar.width}%"></span>
<a class="tl-label" href="#${anchors.check(bar.check)}" style="${labelPlacement(bar)}"><span aria-hidden="true">${ICON[bar.check.status]}</span> ${bar.check.id} <span class="muted">${duration(bar.check.durationMs)}</span></a>
</div>`;

const tickLines = (ticks: readonly number[], spanMs: number): Markup =>
  html`${ticks.map((tick) => html`<span class="tick-line" style="left:${percent(tick, spanMs)}%"></span>`)}`;

const laneBlock = (lane: Lane, ticks: readonly number[], spanMs: number, anchors: Anchors): Markup => html`<div class="lane" data-host="${lane.host}" data-target="${lane.target}">
<div class="lane-label"><strong>${lane.host}</strong><code>${lane.target}</code><span class="muted">${counted(lane.bars.length, 'check')}</span></div>
<div class="lane-track"><div class="scale">${tickLines(ticks, spanMs)}${lane.bars.map((bar) => barRow(bar, anchors))}</div></div>
</div>`;

const axis = (ticks: readonly number[], spanMs: number): Markup => html`<div class="axis-label muted">host</div>
<div class="axis"><div class="scale">${ticks.map((tick) => html`<span class="tick-label" style="left:${percent(tick, spanMs)}%">${tickLabel(tick)}</span>`)}</div></div>`;

const legend = (): Markup => html`<p class="legend">${STATUSES.map((status) => html`<span><span class="swatch s-${status}"></span> ${LABEL[status]}</span>`)}</p>`;

const timelinePart = (report: RunReport, anchors: Anchors): Markup => {
  const checks = report.questions.flatMap((question) => question.checks);
  const spanMs = timeSpan(report, checks);
  const ticks = ticksOf(spanMs);
  return html`<section id="timeline"><h2>Timeline</h2>
<p class="muted">Each check on its host, from the start of the run (${instant(report.startedAt)}) over ${duration(spanMs)}; hover a bar for its details.</p>
${legend()}
<div class="timeline" data-span-ms="${spanMs}">
${axis(ticks, spanMs)}
${lanesOf(report, checks, spanMs).map((lane) => laneBlock(lane, ticks, spanMs, anchors))}
</div>
</section>`;
};

// ---- The page --------------------------------------------------------------------------------------

/** `default-src 'none'` refuses every fetch; base-uri and form-action do not fall back to it. */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const STYLE = `
:root { --pass: #1a7f37; --pass-bg: #e3f4e7; --fail: #b42318; --fail-bg: #fdeceb; --error: #8a5300; --error-bg: #fff3d4;
  --skipped: #5b6169; --skipped-bg: #eff1f3; --line: #d0d7de; --muted: #59636e; --ink: #1f2328; color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 78rem; padding: 1.5rem 2rem 3rem; color: var(--ink); background: #fff;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
h1 { font-size: 1.7rem; margin: .1rem 0 .5rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .75rem; padding-bottom: .25rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 0 0 .4rem; }
code, pre, time { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: .88em; }
code { overflow-wrap: anywhere; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: .2rem 0 .6rem; padding: .5rem .7rem; max-height: 26rem; overflow: auto;
  background: #f6f8fa; border: 1px solid var(--line); border-radius: 4px; }
table { border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: .25rem .6rem; border-bottom: 1px solid var(--line); }
a { color: inherit; }
ul { margin: .2rem 0 .5rem; padding-left: 1.3rem; }
.muted { color: var(--muted); font-weight: normal; }
.label { margin: .5rem 0 .15rem; font-size: .78rem; font-weight: 700; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
.s-pass { --c: var(--pass); --bg: var(--pass-bg); }
.s-fail { --c: var(--fail); --bg: var(--fail-bg); }
.s-error { --c: var(--error); --bg: var(--error-bg); }
.s-skipped { --c: var(--skipped); --bg: var(--skipped-bg); }
.badge { display: inline-block; min-width: 4.7rem; padding: 0 .4rem; border: 1px solid var(--c); border-radius: 3px; color: var(--c);
  background: var(--bg); font: 700 .75rem/1.5 system-ui, "DejaVu Sans", sans-serif; letter-spacing: .04em; text-align: center; white-space: nowrap; }
.badge[data-status="fail"], .badge[data-status="error"] { border-width: 2px; }
.tag { font-size: .75rem; padding: 0 .35rem; border: 1px dashed var(--muted); border-radius: 3px; color: var(--muted); }
header.run { border: 1px solid var(--line); border-left: 8px solid var(--c); border-radius: 6px; padding: 1rem 1.25rem; background: linear-gradient(90deg, var(--bg), #fff 40%); }
.eyebrow { margin: 0; text-transform: uppercase; letter-spacing: .08em; font-size: .75rem; color: var(--muted); }
.verdict { font-size: 1.1rem; margin: .2rem 0 .6rem; }
.verdict .badge { font-size: .95rem; min-width: 6rem; }
.interrupted { color: var(--fail); }
.replay { margin: 0; padding: .6em 1em; background: var(--error-bg, #fff3cd); border-bottom: 2px solid var(--error, #b8860b); }
dl.facts { display: flex; flex-wrap: wrap; gap: .2rem 1.6rem; margin: .4rem 0; }
dl.facts div { display: flex; gap: .4rem; align-items: baseline; }
dt { color: var(--muted); font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; }
dd { margin: 0; }
table.counts { margin: .6rem 0; }
table.counts td, table.counts th { text-align: right; min-width: 4.5rem; }
table.counts th[scope="row"] { text-align: left; }
table.counts td.zero { color: var(--muted); }
table.counts td[class^="s-"] { color: var(--c); background: var(--bg); font-weight: 700; }
table.runbooks { margin-top: .6rem; width: 100%; font-size: .9rem; }
ul.hosts { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 0 1rem; }
section.question { margin: 1rem 0 1.4rem; padding-left: .8rem; border-left: 4px solid var(--c); }
section.question[data-status="pass"] { border-left-style: dotted; }
.runbook-title { margin-top: 1.5rem; font-size: 1.15rem; }
p.reason { margin: .2rem 0 .4rem; font-weight: 600; overflow-wrap: anywhere; }
p.hint { margin: .3rem 0 .5rem; padding: .3rem .6rem; background: #eef4ff; border-left: 3px solid #4a6fa5; overflow-wrap: anywhere; }
p.hint strong { font-size: .75rem; text-transform: uppercase; letter-spacing: .05em; margin-right: .3rem; }
details.check { margin: .45rem 0; border: 1px solid var(--line); border-left: 5px solid var(--c); border-radius: 4px; background: #fff; }
details.check[data-status="error"] { border-left-style: double; border-left-width: 6px; }
details.check[data-status="skipped"] { border-left-style: dashed; }
details.check > summary { display: flex; flex-wrap: wrap; align-items: baseline; gap: .15rem .5rem; padding: .4rem .7rem; cursor: pointer; list-style: none; }
details.check > summary::-webkit-details-marker { display: none; }
details.check > summary::before { content: "▸"; color: var(--muted); width: .8rem; }
details.check[open] > summary::before { content: "▾"; }
details.check[open] > summary { border-bottom: 1px solid var(--line); background: var(--bg); }
.check-id { font-weight: 700; font-size: .95rem; }
.summary-reason { flex-basis: 100%; padding-left: 1.3rem; color: var(--c); font-size: .9rem; overflow-wrap: anywhere; }
details.check .body { padding: .3rem .9rem .6rem 1.9rem; }
details.check .body > dl.facts { font-size: .85rem; border-top: 1px dashed var(--line); padding-top: .4rem; }
.evidence { margin: .5rem 0; }
.command { margin: .2rem 0 0; font-weight: 600; }
.prompt { color: var(--muted); font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.ran { margin: 0 0 .2rem; font-size: .85rem; color: var(--muted); }
.ran .exit { color: var(--ink); font-weight: 600; }
.stream-name { margin: .3rem 0 0; font-size: .78rem; font-weight: 700; color: var(--muted); }
pre.stderr { background: #fff8f7; }
li.expectation { color: var(--fail); overflow-wrap: anywhere; }
table.values th { font-weight: normal; color: var(--muted); }
article.finding { margin: .6rem 0; padding: .6rem .9rem; border: 1px solid var(--line); border-left: 5px solid #4a6fa5; border-radius: 4px; background: #f7f9fc; }
article.finding .message { overflow-wrap: anywhere; }
ul.rests-on { list-style: none; padding: 0; }
ul.rests-on li { margin: .15rem 0; }
.legend { display: flex; gap: 1.2rem; font-size: .8rem; margin: .3rem 0 .6rem; }
.timeline { display: grid; grid-template-columns: minmax(8rem, 14rem) 1fr; border: 1px solid var(--line); border-radius: 4px; }
.lane { display: contents; }
.axis-label, .lane-label { padding: .3rem .7rem; border-right: 1px solid var(--line); }
.lane-label { display: flex; flex-direction: column; border-top: 1px solid var(--line); font-size: .9rem; }
.lane-label code { font-size: .8rem; }
.lane-label .muted { font-size: .75rem; }
.axis, .lane-track { overflow: hidden; }
.lane-track { border-top: 1px solid var(--line); padding: .3rem 0; }
.scale { position: relative; margin: 0 2.2rem 0 1.2rem; height: 100%; }
.axis .scale { height: 1.8rem; }
.tick-label { position: absolute; top: .45rem; transform: translateX(-50%); font-size: .72rem; color: var(--muted); white-space: nowrap; }
.tick-line { position: absolute; top: -.3rem; bottom: -.3rem; border-left: 1px dashed #d8dde3; }
.tl-row { position: relative; height: 1.55rem; }
.tl-bar, .swatch { border: 1px solid var(--c); border-radius: 2px; background: var(--c); -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.tl-bar { position: absolute; top: .35rem; height: .85rem; min-width: 3px; }
.swatch { display: inline-block; width: 1.6rem; height: .8rem; vertical-align: middle; }
.tl-bar.s-pass, .swatch.s-pass { background: #7cc98f; }
.tl-bar.s-error, .swatch.s-error { background: repeating-linear-gradient(135deg, var(--error) 0 3px, #f2c14e 3px 6px); }
.tl-bar.s-skipped, .swatch.s-skipped { background: #fff; border-style: dashed; }
.tl-label { position: absolute; top: .12rem; padding: 0 .3rem; border-radius: 3px; background: rgba(255, 255, 255, .88);
  font-size: .78rem; white-space: nowrap; text-decoration: none; color: var(--ink); }
.tl-label > span[aria-hidden] { color: var(--c); }
.tl-row.s-fail .tl-label, .tl-row.s-error .tl-label { font-weight: 700; }
a.tl-label:hover { text-decoration: underline; }
footer { margin-top: 2.5rem; font-size: .8rem; color: var(--muted); }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  pre { max-height: none; overflow: visible; }
  header.run, .badge, table.counts td, details.check > summary, .timeline { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  details.check, article.finding, .evidence, .lane-label, .lane-track, tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  details.check > summary::before, details.check[open] > summary::before { content: none; }
  details::details-content { content-visibility: visible; display: block; }
}
`;

const pageTitle = (report: RunReport): string =>
  `${report.replay ? 'REPLAY · ' : ''}${LABEL[report.status]}: ${report.runbooks.map((runbook) => runbook.title).join(' · ') || 'runbook'} — runbook report`;

const renderPage = (report: RunReport): string => {
  const anchors = anchorsOf(report);
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${report.tool.name} ${report.tool.version}">
<title>${pageTitle(report)}</title>
<style>${new Markup(STYLE)}</style>
</head>
<body>
${report.replay ? html`<p class="replay" id="replay">${replayLines(report).map((line, index) => (index === 0 ? html`<strong>${line}</strong>` : html`<br>${line}`))}</p>` : ''}
${runHeader(report)}
<main>
${diagnosisPart(report, anchors)}
${questionsPart(report, anchors)}
${timelinePart(report, anchors)}
</main>
<footer>Written by ${report.tool.name} ${report.tool.version} (report version ${report.reportVersion}). Times are UTC; the page needs no network and runs no script.</footer>
</body>
</html>
`.source;
};

export const htmlReporter: Reporter = {
  name: 'html',
  summary: 'one self-contained HTML page to share: verdict, questions and checks with their evidence, diagnosis, a timeline per host',
  render: (report: RunReport) => renderPage(report),
};
