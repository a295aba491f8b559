/**
 * The team's shared material (herd's litmus catalogue and its reference
 * verdicts) lives in shared/ beside the repository. Looked for, in order:
 * MAPSCOPE_SHARED; shared/ beside this checkout; shared/ beside the
 * repository this checkout was cloned from, when that is a local directory
 * (CI clones the working repository into a temporary directory). A test that
 * needs it FAILS when it is missing; it never skips.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { litmusFilesIn } from '../../src/litmus/files.js';

/** Repository root (this file is compiled to dist/test/support/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The local directory this checkout was cloned from (remote "origin"), if any. */
function clonedFrom(): string | undefined {
  try {
    const url = execFileSync('git', ['-C', repoRoot, 'config', '--get', 'remote.origin.url'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dir = url.startsWith('file://') ? fileURLToPath(url) : url;
    return path.isAbsolute(dir) && existsSync(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

export function sharedDir(): string {
  if (process.env.MAPSCOPE_SHARED !== undefined) {
    const dir = process.env.MAPSCOPE_SHARED;
    if (!existsSync(path.join(dir, 'litmus'))) throw new Error(`shared/ material missing at MAPSCOPE_SHARED=${dir}`);
    return dir;
  }
  const origin = clonedFrom();
  const tried = [path.resolve(repoRoot, '..', 'shared'), ...(origin ? [path.resolve(origin, '..', 'shared')] : [])];
  const dir = tried.find((d) => existsSync(path.join(d, 'litmus')));
  if (!dir) throw new Error(`shared/ material missing (looked in ${tried.join(', ')}): clone it beside the repository, or set MAPSCOPE_SHARED`);
  return dir;
}

/** Every .litmus file under dir, as the CLI enumerates them. */
export const litmusFiles = litmusFilesIn;

export interface Reference {
  /** Allowed/Forbidden for the proposition, or Required (forall holds). */
  readonly verdict: 'Allowed' | 'Forbidden' | 'Required';
  /** herd's final states, when a full .expected output is given. */
  readonly states: string[] | null;
  readonly from: string;
}

/** kinds.txt of a directory: test name → verdict. */
function kinds(dir: string): Map<string, Reference> {
  const m = new Map<string, Reference>();
  const f = path.join(dir, 'kinds.txt');
  if (!existsSync(f)) return m;
  for (const line of readFileSync(f, 'utf8').split('\n')) {
    const w = line.trim().split(/\s+/);
    if (w.length < 2 || w[0].startsWith('#')) continue;
    const v = w[1].startsWith('Allow') ? 'Allowed' : w[1].startsWith('Forbid') ? 'Forbidden' : w[1] === 'Required' ? 'Required' : null;
    if (v) m.set(w[0], { verdict: v, states: null, from: f });
  }
  return m;
}

/**
 * herd's own reference for a catalogue test: its full expected output
 * (`X.litmus.expected`: verdict from the Observation line, and the states),
 * else its directory's kinds.txt entry, else null.
 */
export function reference(file: string, testName: string): Reference | null {
  const exp = file + '.expected';
  if (existsSync(exp)) {
    const text = readFileSync(exp, 'utf8');
    const obs = text.match(/^Observation \S+ (Never|Sometimes|Always)/m);
    const n = text.match(/^States (\d+)/m);
    if (!obs || !n) throw new Error(`${exp}: unreadable herd output`);
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('States '));
    const states = lines.slice(at + 1, at + 1 + Number(n[1])).map((s) => s.trim());
    return { verdict: obs[1] === 'Never' ? 'Forbidden' : 'Allowed', states, from: exp };
  }
  return kinds(path.dirname(file)).get(testName) ?? null;
}
