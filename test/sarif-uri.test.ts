/**
 * SARIF `tool.driver.informationUri` (issue 12): a declared home page or
 * http(s) repository when package.json has one, else the README shipped in
 * the package, at its CI-gate section — never an invented URL. The expected
 * anchor is GitHub's rule for the README's heading (lower case, punctuation
 * dropped, spaces to hyphens), derived here from the heading's text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { informationUri, sarif } from '../src/inspect/baseline.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('this package declares no home, so informationUri is the installed README at its CI-gate section', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(pkg.homepage, undefined, 'a homepage was added: the URI is then that page (next test)');
  assert.equal(pkg.repository, undefined);
  const uri = informationUri();
  assert.equal(uri, (sarif([], [], 'b.json') as { runs: { tool: { driver: { informationUri: string } } }[] }).runs[0].tool.driver.informationUri);
  const [file, anchor] = uri.split('#');
  assert.ok(file.startsWith('file:///') && file.endsWith('/README.md'), uri);
  const path = fileURLToPath(file);
  assert.ok(existsSync(path), `${path} exists`);
  const heading = readFileSync(path, 'utf8').split('\n').find((l) => l.startsWith('### CI gate'));
  assert.equal(heading, '### CI gate: fail when a Go upgrade changes a map layout your unsafe code reads');
  assert.equal(anchor, 'ci-gate-fail-when-a-go-upgrade-changes-a-map-layout-your-unsafe-code-reads');
  // The README is shipped: package.json's files list it.
  assert.ok((pkg.files as string[]).includes('README.md'));
});

test('a declared homepage or http(s) repository is used as written; other forms fall back to the README', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mapscope-sarif-'));
  try {
    const at = (pkg: object) => {
      writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
      return informationUri(dir);
    };
    assert.equal(at({ homepage: 'https://example.org/docs' }), 'https://example.org/docs');
    assert.equal(at({ repository: { type: 'git', url: 'git+https://example.org/r.git' } }), 'https://example.org/r.git');
    assert.equal(at({ repository: 'https://example.org/r' }), 'https://example.org/r');
    // npm's shorthand is not a URL: not turned into one by guessing the host.
    assert.match(at({ repository: 'github:someone/something' }), /^file:\/\/\/.*\/README\.md#ci-gate-/);
    assert.match(at({}), /^file:\/\/\/.*\/README\.md#ci-gate-/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
