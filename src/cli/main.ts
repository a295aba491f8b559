/**
 * The `mapscope` command: one subcommand per capability, each in its own module
 * under ./commands, registered here. Exit codes are the same for all of them:
 * 0 ok, 1 a finding (drift, a broken invariant, a failed expectation), 2 bad
 * usage or bad input, always with a one-line message on stderr.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { InputError, LimitError, UsageError, EXIT_BAD_INPUT, oneLine } from '../base/errors.js';
import { processIO, type CliIO } from './io.js';
import { commands } from './commands/index.js';

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  let exitCode = 0;
  const program = new Command('mapscope')
    .description("Go's map internals, visible and checkable across Go versions and architectures.\nWith no command, runs the built-in tour (`mapscope tour`).")
    .version(packageVersion(), '-V, --version', 'print mapscope\'s version')
    // Commander's own errors are printed by handleError, as one line like every other usage error.
    // Help on stderr comes only with an error (`mapscope help nosuch`), which handleError also reports in one line.
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: () => {}, outputError: () => {} })
    .exitOverride()
    .showSuggestionAfterError()
    .addHelpText('after', `
Examples:
  mapscope                                            # the tour
  mapscope layout 'map[string]int' --go 1.23,1.24 --arch amd64,arm64
  mapscope sim scenario.json --trace
  mapscope check --core core.4242 --binary ./app
  mapscope inspect ./app --baseline maps.json
  mapscope litmus --scenario map-publish

Exit codes: 0 ok, 1 a finding, 2 bad usage or input. \`mapscope help COMMAND\` for a command's options.`);
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

/** The version in the package.json shipped beside dist/ (two floors up from dist/src/cli). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Commander's message ("error: unknown option '--x'\n(Did you mean --y?)") as one line after `mapscope: `. */
export function commanderLine(message: string): string {
  return message
    .replace(/^error: /, '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => l.replace(/^\(Did you mean (.*)\)$/, '(did you mean $1)'))
    .join(' ');
}

function handleError(e: unknown, io: CliIO): number {
  if (e instanceof CommanderError) {
    // --help and --version end through here with exit code 0.
    if (e.exitCode === 0) return 0;
    if (e.code === 'commander.help') io.err('mapscope: no such command (mapscope --help lists them)');
    else io.err(`mapscope: ${commanderLine(e.message)}`);
    return EXIT_BAD_INPUT;
  }
  if (e instanceof InputError || e instanceof UsageError || e instanceof LimitError) {
    io.err(`mapscope: ${oneLine(e.message)}`);
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
