/**
 * Benchmark (not a test): insert, lookup and delete of N int64 keys and N
 * string keys through the classic engine, against the same operations on
 * real Go maps timed by gosrc/mapsnap (-bench) on this machine in this run.
 *
 *   node dist/bench/sim.js [N=1000000] [go=1.23]
 *
 * Prints ns/op for both and the ratio engine/native.
 */
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScenario } from '../src/engine/scenario.js';
import { perKey, printRatios } from './engine-vs-native.js';
import { openMap } from '../src/engine/classic/index.js';
import { goBuild } from '../test/support/gobuild.js';

const N = Number(process.argv[2] ?? 1_000_000);
const GO = process.argv[3] ?? '1.23';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function native(): Record<string, Record<string, number>> {
  const flags = Number(GO.split('.')[1]) >= 23 ? ['-ldflags=-checklinkname=0'] : [];
  const bin = goBuild({ go: GO, src: join(root, 'gosrc', 'mapsnap'), goarch: 'amd64', flags, name: 'mapsnap' });
  return JSON.parse(execFileSync(bin, ['-bench', String(N)], { encoding: 'utf8' }));
}

function engine(type: string, keys: (number | string)[]): Record<string, number> {
  const sc = parseScenario({ go: GO, arch: 'amd64', type, hash: { mode: 'fallback', prngSeed: 1 }, ops: [] }, 'bench');
  const m = openMap(sc, { unreplayableCoin: true });
  const time = (f: () => void): number => perKey(keys.length, f);
  const insert = time(() => keys.forEach((k, i) => m.insert(k, i)));
  const lookup = time(() => keys.forEach((k) => m.lookup(k)));
  const del = time(() => keys.forEach((k) => m.delete(k)));
  return { insert, lookup, delete: del };
}

const nat = native();
const ik = Array.from({ length: N }, (_, i) => i * 2654435761);
const sk = Array.from({ length: N }, (_, i) => `key-${i}`);
const eng = { int64: engine('map[int64]int64', ik), string: engine('map[string]int64', sk) };
console.log(`classic engine vs native Go ${GO} (amd64, fallback hash), ${N} keys, ns/op`);
printRatios(eng, nat);
