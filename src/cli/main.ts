/**
 * The `mapscope` command: one subcommand per capability, each in its own module
 * under ./commands, registered here. Exit codes are the same for all of them:
 * 0 ok, 1 a finding (drift, a broken invariant, a failed expectation), 2 bad
 * usage or bad input, always with a one-line message on stderr.
 */
import { Command, CommanderError } from 'commander';
import { InputError, UsageError, EXIT_BAD_INPUT } from '../base/errors.js';
import { processIO, type CliIO } from './io.js';
import { commands } from './commands/index.js';

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  let exitCode = 0;
  const program = new Command('mapscope')
    .description("Go's map internals, visible and checkable across Go versions and architectures.\nWith no command, runs the built-in tour (`mapscope tour`).")
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride()
    .showSuggestionAfterError();
  for (const c of commands) {
    c.register(program, io, (code) => {
      exitCode = Math.max(exitCode, code);
    });
  }
  const args = argv.length === 0 ? ['tour'] : argv;
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    return handleError(e, io);
  }
  return exitCode;
}

function handleError(e: unknown, io: CliIO): number {
  if (e instanceof CommanderError) {
    // --help and --version end through here with exit code 0.
    if (e.exitCode === 0) return 0;
    return EXIT_BAD_INPUT; // commander already printed its one-line message
  }
  if (e instanceof InputError || e instanceof UsageError) {
    io.err(`mapscope: ${e.message}`);
    return EXIT_BAD_INPUT;
  }
  if (e instanceof RangeError && /allocation|Array buffer|Invalid array length/i.test(e.message)) {
    io.err(`mapscope: input asks for more memory than allowed: ${e.message}`);
    return EXIT_BAD_INPUT;
  }
  // A bug in mapscope, not bad input: show it fully so it can be reported.
  io.err(`mapscope: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return 70;
}
