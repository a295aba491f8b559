/** What a subcommand module exports as `command`: how it adds itself to the program. */
import type { Command } from 'commander';
import type { CliIO } from './io.js';

export interface CommandModule {
  /** Adds the subcommand to the program; `setExit` raises the process's exit code. */
  register(program: Command, io: CliIO, setExit: (code: number) => void): void;
}
