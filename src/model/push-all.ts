// Appends lists to a list. `target.push(...items)` passes each item as an argument, and V8's stack
// holds about 120,000 of them: a vars file of 200,000 variables no runbook declares, each a problem,
// made `validate` an internal error. Problems and groups are as many as the input makes.

export const pushAll = <T>(target: T[], ...lists: readonly (readonly T[])[]): T[] => {
  for (const list of lists) for (const item of list) target.push(item);
  return target;
};
