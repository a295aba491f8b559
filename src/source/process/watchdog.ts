/**
 * The guarantee that a process mapscope stops is resumed, whatever happens to
 * mapscope — including SIGKILL, which no handler sees.
 *
 * Before SIGSTOP, a watchdog is started: a tiny `/bin/sh` in its own session
 * (setsid, so the terminal's Ctrl-C, a closed terminal's SIGHUP and a kill of
 * mapscope's process group do not reach it) that ignores INT, TERM, HUP, QUIT
 * and PIPE and blocks reading a pipe whose only writer is mapscope. The kernel
 * closes that writer when mapscope ends, however it ends, so the `read`
 * returns and the watchdog sends SIGCONT. After resuming the process itself,
 * mapscope writes `resumed` down the pipe and the watchdog exits without
 * signalling. There is no start-up race: the pipe exists before the shell
 * runs, so a mapscope killed before `read` is reached still leaves an end of
 * file for it to find.
 *
 * ptrace (PTRACE_SEIZE + PTRACE_INTERRUPT, undone by the kernel when the
 * tracer dies) would need a native module and ptrace rights that a plain
 * SIGSTOP does not; a watchdog needs neither.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { InputError } from '../../base/errors.js';

const SCRIPT = 'trap "" INT TERM HUP QUIT PIPE; read line; [ "$line" = resumed ] || kill -CONT "$1" 2>/dev/null';

export class Watchdog {
  private readonly child: ChildProcess;
  private done = false;

  constructor(readonly pid: number) {
    this.child = spawn('/bin/sh', ['-c', SCRIPT, 'mapscope-watchdog', String(pid)], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    if (this.child.pid === undefined || !this.child.stdin) {
      throw new InputError(`pid ${pid}`, undefined, 'cannot start the watchdog (/bin/sh) that resumes the process if mapscope dies: not freezing it');
    }
    // A failed write (the watchdog gone) must not end mapscope; the process is resumed by mapscope itself then.
    this.child.stdin.on('error', () => undefined);
    this.child.on('error', () => undefined);
    // Neither the shell nor its pipe keeps mapscope's event loop alive.
    this.child.unref();
    (this.child.stdin as unknown as { unref?: () => void }).unref?.();
  }

  /** The process has been resumed by mapscope: the watchdog exits without signalling it. */
  disarm(): void {
    if (this.done) return;
    this.done = true;
    this.child.stdin?.end('resumed\n');
  }
}
