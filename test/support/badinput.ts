/**
 * How bad input and bad usage end at the command line, stated once for every
 * test: exit 2, and exactly one line on stderr that starts `mapscope: `
 * (src/cli/main.ts prints every InputError and UsageError, commander's own
 * included, that way). A test passes what it ran and adds only what is
 * particular to its case: the pattern the line must match, and stdout when
 * nothing may have been printed there.
 */
import assert from 'node:assert/strict';

export interface BadInputOptions {
  /** The line must also match this. */
  want?: RegExp;
  /** Names the case in assertion messages. */
  what?: string;
  /** What the command printed on stdout: it must be empty. */
  stdout?: string;
  /** Progress lines the command may print on stderr before the error (e.g. race --measure's): dropped first. */
  progress?: RegExp;
  /** The line's length limit, for inputs that could be echoed whole (the default allows any length). */
  maxLength?: number;
}

/** Asserts exit 2 and one `mapscope: ` line on stderr (after dropping `progress` lines); returns that line. */
export function assertBadInput(code: number | null, stderr: string, opts: BadInputOptions = {}): string {
  const what = opts.what === undefined ? '' : `${opts.what}: `;
  assert.equal(code, 2, `${what}exit 2, got ${code}: ${stderr.slice(0, 2000)}`);
  const kept = opts.progress === undefined ? stderr : stderr.split('\n').filter((l) => !opts.progress!.test(l)).join('\n');
  assert.match(kept, /^mapscope: [^\n]*\n$/, `${what}one line starting "mapscope: ": ${JSON.stringify(kept.slice(0, 2000))}`);
  const line = kept.slice(0, -1);
  if (opts.want !== undefined) assert.match(line, opts.want, `${what}${line}`);
  if (opts.stdout !== undefined) assert.equal(opts.stdout, '', `${what}nothing on stdout`);
  if (opts.maxLength !== undefined) assert.ok(line.length <= opts.maxLength, `${what}${line.length} characters, more than ${opts.maxLength}`);
  return line;
}
