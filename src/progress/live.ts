// The live view on a terminal: each question with its checks, where each runs, a spinner and the
// time it has taken while it runs, and its verdict as it finishes. Drawn by listr2 (a maintained
// task-list renderer: redraws in place, spinners, subtasks, falls back when the terminal cannot
// redraw) on stderr only, so stdout stays the report. It listens to the run's events; it never
// decides anything: a listr2 task here only waits for its check's `check-end`, or on a fleet for
// one per host, and shows what they said.
import { roleAndTarget } from '../model/host-address.js';
import { Listr, ListrLogger, ProcessOutput, type ListrTask, type ListrTaskWrapper } from 'listr2';
import type { ExecutionEvent, QuestionStart, RunbookStart } from '../execute/events.js';
import type { Status } from '../model/outcome.js';
import type { CheckResult } from '../model/report.js';
import { hostsCount } from './lines.js';

/**
 * How often running rows are redrawn: a fleet's row takes its counts from here, not from each
 * event, so 200 hosts × 5 checks ending together cost a handful of redraws, not a thousand.
 */
const TICK_MS = 250;

/** Hosts named on a fleet row for each status before `…`: the report has the full list. */
const HOSTS_NAMED = 3;

type Wrapper = ListrTaskWrapper<unknown, never, never>;

/**
 * A promise and what resolves it, made with the slot rather than by its task: the run's events do
 * not wait for listr2 to start a task, and a task that starts after the view closed must still end.
 */
interface Settlement<T> {
  readonly settled: Promise<T>;
  readonly settle: (value: T) => void;
}

const settlement = <T>(): Settlement<T> => {
  let settle: (value: T) => void = () => undefined;
  const settled = new Promise<T>((resolve) => (settle = resolve));
  return { settled, settle };
};

/** A check on one host: its row waits for its one `check-end`. */
interface SingleSlot {
  readonly kind: 'single';
  readonly label: string;
  readonly informational: boolean;
  startedAt?: number;
  wrapper?: Wrapper;
  /** Undefined: the view closes before the check ended (an interrupted run). */
  readonly ended: Settlement<CheckResult | undefined>;
  result?: CheckResult;
}

/** What a fleet check's hosts have done so far. */
export interface FleetTally {
  /** How many hosts it runs on (run-start's `hosts`). */
  readonly hosts: number;
  started: number;
  /** The hosts that ended, by their status. */
  readonly ended: Record<Status, string[]>;
}

/** A check on a fleet: one row for all its hosts, counting them as they end. */
interface FleetSlot {
  readonly kind: 'fleet';
  /** `port-open on web (50 hosts)`: the row while it runs. */
  readonly label: string;
  /** `port-open on web`: the finished row's name, its counts saying how many hosts. */
  readonly name: string;
  readonly informational: boolean;
  readonly tally: FleetTally;
  wrapper?: Wrapper;
  /** Once every host ended, or the view closes before (an interrupted run). */
  readonly ended: Settlement<void>;
  /** The title last drawn, so the ticker redraws only what changed. */
  drawn?: string;
}

type CheckSlot = SingleSlot | FleetSlot;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

const slotKey = (runbook: string, id: string): string => `${runbook}\n${id}`;

/** What a finished check's line says: its verdict, its time, and why when it did not pass. */
const finishedTitle = (slot: SingleSlot, result: CheckResult): string => {
  const why = result.reason ? `: ${result.reason}` : '';
  const informational = slot.informational && result.status !== 'pass' ? ' (informational)' : '';
  return `${slot.label}  ${result.status}${informational} in ${seconds(result.durationMs)}${why}`;
};

/** A check's task: it waits for the check to end, then shows the verdict the run gave it. */
const singleTask = (slot: SingleSlot): ListrTask<unknown> => ({
  title: `${slot.label}  waiting`,
  task: async (_, wrapper) => {
    slot.wrapper = wrapper as unknown as Wrapper;
    const result = await slot.ended.settled;
    if (!result) {
      wrapper.skip(`${slot.label}  not finished: the run was interrupted`);
      return;
    }
    wrapper.title = finishedTitle(slot, result);
    if (result.status === 'skipped') wrapper.skip(finishedTitle(slot, result));
    // An informational check never fails its question, so its failure is no red cross here either.
    else if (result.status !== 'pass' && !slot.informational) throw new Error(finishedTitle(slot, result));
  },
});

export const emptyTally = (hosts: number): FleetTally => ({ hosts, started: 0, ended: { pass: [], fail: [], error: [], skipped: [] } });

/** Counts one host's end, under its name (its target should a result come without one). */
export const recordEnd = (tally: FleetTally, result: CheckResult): void => {
  tally.ended[result.status].push(result.hostName ?? result.target);
};

const endedCount = (tally: FleetTally): number => Object.values(tally.ended).reduce((sum, hosts) => sum + hosts.length, 0);

const isComplete = (tally: FleetTally): boolean => endedCount(tally) >= tally.hosts;

/** Statuses worth a count beside the progress: what did not pass. */
const NOT_PASSING = ['fail', 'error', 'skipped'] as const satisfies readonly Status[];

/** Host names sort as people number them: web2 before web10. */
const byHostName = new Intl.Collator('en', { numeric: true }).compare;

/** `(web07, web31)`, or `(web01, web02, web03, …)` past three. */
const namedHosts = (hosts: readonly string[]): string => {
  const sorted = [...hosts].sort(byHostName);
  return `(${sorted.slice(0, HOSTS_NAMED).join(', ')}${sorted.length > HOSTS_NAMED ? ', …' : ''})`;
};

/** ` · 2 fail (web07, web31) · 1 skipped`: skipped hosts go unnamed, they follow from something else that did not pass. */
const problemsPart = (tally: FleetTally, naming: boolean): string =>
  NOT_PASSING.filter((status) => tally.ended[status].length > 0)
    .map((status) => ` · ${tally.ended[status].length} ${status}${naming && status !== 'skipped' ? ` ${namedHosts(tally.ended[status])}` : ''}`)
    .join('');

/** `port-open on web (50 hosts)  running 12/50 · 3 fail · 1 error`; `waiting` until a host starts it. */
export const fleetRunningTitle = (label: string, tally: FleetTally): string => {
  const ended = endedCount(tally);
  if (tally.started === 0 && ended === 0) return `${label}  waiting`;
  return `${label}  running ${ended}/${tally.hosts}${problemsPart(tally, false)}`;
};

/**
 * `port-open on web  48/50 pass · 2 fail (web07, web31)`; an interrupted run adds how many hosts
 * never ended. A check left with no host (`--limit`, `--shard`) says so.
 */
export const fleetFinishedTitle = (name: string, tally: FleetTally, informational: boolean): string => {
  if (tally.hosts === 0) return `${name}  no host in this run`;
  const unfinished = tally.hosts - endedCount(tally);
  const notPassing = tally.ended.pass.length < tally.hosts;
  return (
    `${name}  ${tally.ended.pass.length}/${tally.hosts} pass${problemsPart(tally, true)}` +
    (informational && notPassing ? ' · informational' : '') +
    (unfinished > 0 ? ` · ${unfinished} not finished: the run was interrupted` : '')
  );
};

/**
 * The mark a finished fleet row gets: a red cross when a host failed or erred (unless the check is
 * informational, which never fails its question), a skip when no host passed or failed.
 */
export const fleetRowMark = (tally: FleetTally, informational: boolean): 'pass' | 'fail' | 'skip' => {
  const failed = tally.ended.fail.length + tally.ended.error.length;
  if (failed > 0) return informational ? 'pass' : 'fail';
  return tally.ended.pass.length > 0 ? 'pass' : 'skip';
};

/** A fleet check's task: it waits for every host to end; its running title is the ticker's to draw. */
const fleetTask = (slot: FleetSlot): ListrTask<unknown> => ({
  title: fleetRunningTitle(slot.label, slot.tally),
  task: async (_, wrapper) => {
    slot.wrapper = wrapper as unknown as Wrapper;
    if (!isComplete(slot.tally)) await slot.ended.settled;
    const title = fleetFinishedTitle(slot.name, slot.tally, slot.informational);
    wrapper.title = title;
    const mark = fleetRowMark(slot.tally, slot.informational);
    if (mark === 'skip') wrapper.skip(title);
    else if (mark === 'fail') throw new Error(title);
  },
});

type CheckStart = QuestionStart['checks'][number];

/** A fleet (even of one host) or a check on several hosts gets a counting row; one host, a row of its own. */
const isFleetCheck = (check: CheckStart): boolean => check.hosts !== 1 || check.host.fleet !== undefined;

/** The slot a check's events fill, and the listr2 task that draws it. */
const checkSlot = (check: CheckStart): { slot: CheckSlot; task: ListrTask<unknown> } => {
  if (!isFleetCheck(check)) {
    const slot: SingleSlot = { kind: 'single', label: `${check.id} on ${roleAndTarget(check.host.role, check.host.target)}`, informational: check.informational, ended: settlement() };
    return { slot, task: singleTask(slot) };
  }
  const name = `${check.id} on ${check.host.role}`;
  const slot: FleetSlot = { kind: 'fleet', label: `${name} (${hostsCount(check.hosts)})`, name, informational: check.informational, tally: emptyTally(check.hosts), ended: settlement() };
  return { slot, task: fleetTask(slot) };
};

/** A question's line: its title, and the wrapper that redraws it (with the report's verdict once the run ends). */
interface QuestionLine {
  readonly title: string;
  wrapper?: Wrapper;
  /** The report's verdict, kept should the run end before listr2 has started the question's task. */
  verdict?: Status;
}

const showVerdict = (line: QuestionLine): void => {
  if (line.wrapper && line.verdict) line.wrapper.title = `${line.title}  ${line.verdict.toUpperCase()}`;
};

const questionTask = (question: QuestionStart, checkTasks: ListrTask<unknown>[], line: QuestionLine): ListrTask<unknown> => ({
  title: question.title,
  task: (_, wrapper) => {
    line.wrapper = wrapper as unknown as Wrapper;
    showVerdict(line);
    return wrapper.newListr(checkTasks, { concurrent: true, exitOnError: false });
  },
});

/**
 * An untitled (so undrawn) task that keeps listr2 drawing until the run's verdicts are in: once it
 * has stopped, a changed title would be drawn again below the view, which the last host's end
 * followed by closing SSH connections leaves time for.
 */
const untilVerdicts = (verdicts: Promise<void>): ListrTask<unknown> => ({ task: () => verdicts });

/** A running check's title: its time so far. */
const redrawSingle = (slot: SingleSlot, now: number): void => {
  if (slot.startedAt !== undefined && !slot.result && slot.wrapper) slot.wrapper.title = `${slot.label}  running ${seconds(now - slot.startedAt)}`;
};

/** A running fleet row's counts, drawn only when they changed since the last tick. */
const redrawFleet = (slot: FleetSlot): void => {
  if (!slot.wrapper || isComplete(slot.tally)) return;
  const title = fleetRunningTitle(slot.label, slot.tally);
  if (title === slot.drawn) return;
  slot.wrapper.title = title;
  slot.drawn = title;
};

export interface LiveProgress {
  readonly onEvent: (event: ExecutionEvent) => void;
  /** Resolves once the last frame is drawn: the report is written after it, never into the view. */
  readonly finished: () => Promise<void>;
}

/** `stream` is the terminal the view redraws on (stderr). */
export const liveProgress = (stream: NodeJS.WriteStream): LiveProgress => {
  const slots = new Map<string, CheckSlot>();
  const questions = new Map<string, QuestionLine>();
  const verdicts = settlement<void>();
  let drawing: Promise<unknown> = Promise.resolve();
  let ticker: NodeJS.Timeout | undefined;

  const tick = (): void => {
    const now = performance.now();
    for (const slot of slots.values()) {
      if (slot.kind === 'single') redrawSingle(slot, now);
      else redrawFleet(slot);
    }
  };

  const start = (runbooks: readonly RunbookStart[]): void => {
    const tasks = runbooks.flatMap((runbook) =>
      runbook.questions.map((question) => {
        const checkTasks = question.checks.map((check) => {
          const { slot, task } = checkSlot(check);
          slots.set(slotKey(runbook.file, check.id), slot);
          return task;
        });
        const line: QuestionLine = { title: question.title };
        questions.set(slotKey(runbook.file, question.id), line);
        return questionTask(question, checkTasks, line);
      }),
    );
    const logger = new ListrLogger({ processOutput: new ProcessOutput(stream, stream) });
    const listr = new Listr([...tasks, untilVerdicts(verdicts.settled)], {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      // listr2 judges the terminal by stdout, which here is the report (often a pipe): the caller
      // has already decided that stderr, where this view draws, is a terminal.
      renderer: 'default',
      fallbackRendererCondition: () => false,
      forceTTY: true,
      rendererOptions: { logger, collapseSubtasks: false, collapseSkips: false, showSkipMessage: false, collapseErrors: false },
    });
    drawing = listr.run().catch(() => undefined);
    ticker = setInterval(tick, TICK_MS);
    ticker.unref();
  };

  const begin = (runbook: string, id: string): void => {
    const slot = slots.get(slotKey(runbook, id));
    if (slot?.kind === 'single') slot.startedAt = performance.now();
    else if (slot) slot.tally.started += 1;
  };

  const end = (runbook: string, result: CheckResult): void => {
    const slot = slots.get(slotKey(runbook, result.id));
    if (slot?.kind === 'single') {
      slot.result = result;
      slot.ended.settle(result);
    } else if (slot) {
      recordEnd(slot.tally, result);
      if (isComplete(slot.tally)) slot.ended.settle();
    }
  };

  return {
    onEvent: (event) => {
      if (event.type === 'run-start') start(event.runbooks);
      else if (event.type === 'check-start') begin(event.check.runbook, event.check.id);
      else if (event.type === 'check-end') end(event.check.runbook, event.result);
      else if (event.type === 'run-end') {
        clearInterval(ticker);
        for (const { runbook, id, status } of event.questions) {
          const line = questions.get(slotKey(runbook, id));
          if (!line) continue;
          line.verdict = status;
          showVerdict(line);
        }
        verdicts.settle();
      }
    },
    finished: async () => {
      clearInterval(ticker);
      verdicts.settle();
      // An interrupted run never ends some checks: let their tasks end as they are (a settled one stays as it was).
      for (const slot of slots.values()) {
        if (slot.kind === 'single') slot.ended.settle(undefined);
        else slot.ended.settle();
      }
      await drawing;
    },
  };
};
