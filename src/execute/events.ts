// What the executor tells progress views while it runs; reporters get the finished results instead.
import type { CheckResult } from '../model/report.js';
import type { Check } from '../model/runbook.js';

export type ExecutionEvent =
  | { readonly type: 'check-start'; readonly check: Check }
  | { readonly type: 'check-end'; readonly check: Check; readonly result: CheckResult };

export type EventListener = (event: ExecutionEvent) => void;
