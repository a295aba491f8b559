/**
 * Where a command writes. Commands never touch process.stdout directly so that
 * tests can run them in-process and read what a user would see.
 */
export interface CliIO {
  /** Results: tables for people, JSON with --json. */
  out(text: string): void;
  /** Progress and diagnostics; never parsed by machines. */
  err(text: string): void;
  /** True when stderr is a terminal, so progress bars may redraw in place. */
  readonly errIsTTY: boolean;
}

export const processIO: CliIO = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
  errIsTTY: Boolean(process.stderr.isTTY),
};

/** An IO that records everything, for tests. */
export function captureIO(): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    errIsTTY: false,
    out(text: string) {
      io.stdout += text.endsWith('\n') ? text : text + '\n';
    },
    err(text: string) {
      io.stderr += text.endsWith('\n') ? text : text + '\n';
    },
  };
  return io;
}
