/**
 * A JSON input file the user names on the command line (a scenario): read, then parsed, with a
 * failure of either as one InputError line naming the file. The parsed value is untrusted; its
 * reader (parseScenario, parseRaceScenario) checks its depth and shape.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../base/errors.js';

export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(file, undefined, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(file, undefined, `not valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
}
