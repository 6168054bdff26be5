// Times named steps of a test, for the figures a lab test prints at the end.
export const stopwatch = () => {
  const timings: Record<string, number> = {};
  const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      timings[label] = Math.round(performance.now() - started);
    }
  };
  return { timings, timed };
};
