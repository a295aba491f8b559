/**
 * Errors the CLI turns into a one-line message and exit code 2.
 *
 * Every parser of untrusted input (type expressions, scenarios, binaries, core
 * files, litmus files) throws an InputError that names what was being read and
 * where, in the manner of Go's debug/elf FormatError, so a user sees
 * `mapscope: app: ELF section header 12 at offset 0x1f40: size past end of file`
 * and never a stack trace.
 */
export class InputError extends Error {
  /**
   * @param source what was being read: a file name, `--arch`, `type expression`…
   * @param where  a position inside it (byte offset, line, column) or undefined
   * @param detail what is wrong
   */
  constructor(
    readonly source: string,
    readonly where: string | number | undefined,
    readonly detail: string,
  ) {
    super(formatInputError(source, where, detail));
    this.name = 'InputError';
  }
}

function formatInputError(source: string, where: string | number | undefined, detail: string): string {
  if (where === undefined) return `${source}: ${detail}`;
  const at = typeof where === 'number' ? `offset 0x${where.toString(16)}` : where;
  return `${source}: ${at}: ${detail}`;
}

/** Bad command-line usage: unknown option values, missing arguments. Exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
export const EXIT_FINDING = 1;
export const EXIT_BAD_INPUT = 2;

/**
 * Input that asks for more than mapscope allows itself (a value of 2^40 bytes
 * to simulate, a directory of a billion tables): exit code 2, with what was
 * asked and the limit, never an out-of-memory crash.
 */
export class LimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LimitError';
  }
}

/** Longest message text quoted from the input (a type, a line of a file) before it is cut. */
export const MAX_QUOTE = 200;

/** `text` cut to `max` characters, saying how long it was: error messages never repeat a whole input. */
export function quote(text: string, max = MAX_QUOTE): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** Longest error message printed: a safety net under quote(). */
export const MAX_MESSAGE = 2000;

/**
 * A message as one line: line breaks become " / ", other control characters
 * are escaped, and the whole is cut to MAX_MESSAGE characters.
 */
export function oneLine(message: string): string {
  const line = message
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' / ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return quote(line, MAX_MESSAGE);
}
