/**
 * `npm run bench [-- NAME...]`: every benchmark, one after another, each in
 * its own process so one's heap does not slow the next. Benchmarks are not
 * tests: they print figures measured in the same run against a named
 * baseline (native Go maps, herd's catalogue, a peer analyser) and never fail
 * on absolute times.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cache = process.env.MAPSCOPE_CACHE ?? path.join(homedir(), '.cache', 'mapscope');

/** The newest cached linux/amd64 esbuild (a ~10 MB stripped Go binary from scripts/real-binaries.sh). */
function largestEsbuild(): string | undefined {
  const dir = path.join(cache, 'bin');
  if (!existsSync(dir)) return undefined;
  const version = (d: string) => d.slice('esbuild-'.length).split('.').map(Number);
  const newer = (a: string, b: string) => {
    const [x, y] = [version(a), version(b)];
    for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
    return 0;
  };
  const amd64 = readdirSync(dir).filter((d) => /^esbuild-\d/.test(d)).sort(newer);
  const last = amd64.at(-1);
  return last ? path.join(dir, last, 'esbuild') : undefined;
}

const benches: Record<string, () => string[] | undefined> = {
  hash: () => [],
  litmus: () => [],
  inspect: () => {
    const f = largestEsbuild();
    return f && existsSync(f) ? [f] : undefined;
  },
  engine: () => [],
  view: () => [],
  profile: () => [],
  disasm: () => {
    // The figure is for esbuild 0.28.2 (stripped, 11 MB); scripts/real-binaries.sh fetches it.
    const f = path.join(cache, 'bin', 'esbuild-0.28.2', 'esbuild');
    return existsSync(f) ? [f] : undefined;
  },
};

const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(benches)) {
  const script = path.join(here, `${name}.js`);
  const args = benches[name]?.();
  if (!existsSync(script) || args === undefined) {
    console.log(`== ${name}: not available here (${!existsSync(script) ? 'no benchmark' : 'input missing: run scripts/real-binaries.sh'})`);
    continue;
  }
  console.log(`== ${name}`);
  const r = spawnSync(process.execPath, [script, ...args], { stdio: 'inherit' });
  if (r.status !== 0) console.log(`== ${name}: exited with ${r.status}`);
}
