import { test } from 'node:test';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { assertBadInput } from './support/badinput.js';

test('an unknown command is bad usage: one line on stderr, exit 2', async () => {
  const io = captureIO();
  assertBadInput(await main(['no-such-command'], io), io.stderr, { stdout: io.stdout });
});
