import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';

test('an unknown command is bad usage: one line on stderr, exit 2', async () => {
  const io = captureIO();
  const code = await main(['no-such-command'], io);
  assert.equal(code, 2);
  assert.equal(io.stderr.trim().split('\n').length, 1, io.stderr);
  assert.equal(io.stdout, '');
});
