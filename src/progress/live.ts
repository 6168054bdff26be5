// The live view on a terminal: each question with its checks, where each runs, a spinner and the
// time it has taken while it runs, and its verdict as it finishes. Drawn by listr2 (a maintained
// task-list renderer: redraws in place, spinners, subtasks, falls back when the terminal cannot
// redraw) on stderr only, so stdout stays the report. It listens to the run's events; it never
// decides anything: a listr2 task here only waits for its check's `check-end`.
import { roleAndTarget } from '../model/host-address.js';
import { Listr, ListrLogger, ProcessOutput, type ListrTask, type ListrTaskWrapper } from 'listr2';
import type { ExecutionEvent, QuestionStart, RunbookStart } from '../execute/events.js';
import type { CheckResult } from '../model/report.js';

/** How often a running check's elapsed time is redrawn. */
const TICK_MS = 250;

type Wrapper = ListrTaskWrapper<unknown, never, never>;

interface CheckSlot {
  readonly label: string;
  readonly informational: boolean;
  startedAt?: number;
  wrapper?: Wrapper;
  /** Undefined: the view closes before the check ended (an interrupted run). */
  settle?: (result: CheckResult | undefined) => void;
  result?: CheckResult;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

const slotKey = (runbook: string, id: string): string => `${runbook}\n${id}`;

/** What a finished check's line says: its verdict, its time, and why when it did not pass. */
const finishedTitle = (slot: CheckSlot, result: CheckResult): string => {
  const why = result.reason ? `: ${result.reason}` : '';
  const informational = slot.informational && result.status !== 'pass' ? ' (informational)' : '';
  return `${slot.label}  ${result.status}${informational} in ${seconds(result.durationMs)}${why}`;
};

/** A check's task: it waits for the check to end, then shows the verdict the run gave it. */
const checkTask = (slot: CheckSlot): ListrTask<unknown> => ({
  title: `${slot.label}  waiting`,
  task: async (_, wrapper) => {
    slot.wrapper = wrapper as unknown as Wrapper;
    const result = slot.result ?? (await new Promise<CheckResult | undefined>((resolve) => (slot.settle = resolve)));
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

/** The question's line: its title, and once the run ends, the verdict the report gives it. */
/** A question's line: its title, and the wrapper that redraws it once listr2 runs its task. */
interface QuestionLine {
  readonly title: string;
  wrapper?: Wrapper;
}

const questionTask = (question: QuestionStart, slots: CheckSlot[], line: QuestionLine): ListrTask<unknown> => ({
  title: question.title,
  task: (_, wrapper) => {
    line.wrapper = wrapper as unknown as Wrapper;
    return wrapper.newListr(slots.map(checkTask), { concurrent: true, exitOnError: false });
  },
});

export interface LiveProgress {
  readonly onEvent: (event: ExecutionEvent) => void;
  /** Resolves once the last frame is drawn: the report is written after it, never into the view. */
  readonly finished: () => Promise<void>;
}

/** `stream` is the terminal the view redraws on (stderr). */
export const liveProgress = (stream: NodeJS.WriteStream): LiveProgress => {
  const slots = new Map<string, CheckSlot>();
  const questions = new Map<string, QuestionLine>();
  let drawing: Promise<unknown> = Promise.resolve();
  let ticker: NodeJS.Timeout | undefined;

  const tick = (): void => {
    const now = performance.now();
    for (const slot of slots.values()) {
      if (slot.startedAt !== undefined && !slot.result && slot.wrapper) slot.wrapper.title = `${slot.label}  running ${seconds(now - slot.startedAt)}`;
    }
  };

  const start = (runbooks: readonly RunbookStart[]): void => {
    const tasks = runbooks.flatMap((runbook) =>
      runbook.questions.map((question) => {
        const questionSlots = question.checks.map((check) => {
          const slot: CheckSlot = { label: `${check.id} on ${roleAndTarget(check.host.role, check.host.target)}`, informational: check.informational };
          slots.set(slotKey(runbook.file, check.id), slot);
          return slot;
        });
        const line: QuestionLine = { title: question.title };
        questions.set(slotKey(runbook.file, question.id), line);
        return questionTask(question, questionSlots, line);
      }),
    );
    const logger = new ListrLogger({ processOutput: new ProcessOutput(stream, stream) });
    const listr = new Listr(tasks, {
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

  const end = (runbook: string, result: CheckResult): void => {
    const slot = slots.get(slotKey(runbook, result.id));
    if (!slot) return;
    slot.result = result;
    slot.settle?.(result);
  };

  return {
    onEvent: (event) => {
      if (event.type === 'run-start') start(event.runbooks);
      else if (event.type === 'check-start') {
        const slot = slots.get(slotKey(event.check.runbook, event.check.id));
        if (slot) slot.startedAt = performance.now();
      } else if (event.type === 'check-end') end(event.check.runbook, event.result);
      else if (event.type === 'run-end') {
        clearInterval(ticker);
        for (const { runbook, id, status } of event.questions) {
          const line = questions.get(slotKey(runbook, id));
          if (line?.wrapper) line.wrapper.title = `${line.title}  ${status.toUpperCase()}`;
        }
      }
    },
    finished: async () => {
      clearInterval(ticker);
      // An interrupted run never ends some checks: let their tasks end as they are.
      for (const slot of slots.values()) if (!slot.result) slot.settle?.(undefined);
      await drawing;
    },
  };
};
