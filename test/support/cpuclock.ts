/**
 * A stopwatch of this process's CPU time, for the "never runs away" bounds of fuzz tests.
 * The code they time is synchronous, and the suite runs test files two at a time on a machine
 * that may be busy: wall time would measure the neighbours, CPU time measures the code.
 */
export function cpuClock(): () => number {
  const t0 = process.cpuUsage();
  return () => {
    const d = process.cpuUsage(t0);
    return (d.user + d.system) / 1000;
  };
}
