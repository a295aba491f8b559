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

/**
 * Streams whose reader has gone (`mapscope … | head -1`): further writes to
 * them are dropped. The command still runs to its end, so whatever it must
 * undo (a frozen process resumed, a file closed) is undone, and it exits with
 * its own code, quietly, instead of dying on an unhandled EPIPE.
 */
const closed = new WeakSet<NodeJS.WriteStream>();
const guarded = new WeakSet<NodeJS.WriteStream>();

function guard(s: NodeJS.WriteStream): void {
  if (guarded.has(s)) return;
  guarded.add(s);
  s.on('error', (e: NodeJS.ErrnoException) => {
    // EPIPE: the reader closed the pipe; ERR_STREAM_DESTROYED: a write after that.
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED' || e.code === 'ECONNRESET') {
      closed.add(s);
      return;
    }
    throw e;
  });
}

function writeTo(s: NodeJS.WriteStream, text: string): void {
  guard(s);
  if (closed.has(s)) return;
  s.write(text.endsWith('\n') ? text : text + '\n');
}

export const processIO: CliIO = {
  out: (text) => writeTo(process.stdout, text),
  err: (text) => writeTo(process.stderr, text),
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
