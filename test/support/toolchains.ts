/**
 * Access to the real Go toolchains the differential tests build with.
 *
 * scripts/go-toolchains.sh (run by .ci/run and by the README's set-up command)
 * unpacks Debian's golang-1.X packages under $MAPSCOPE_CACHE/go/<version>.
 * A test that needs one calls `goroot()`; when it is missing the test fails
 * with a message saying how to get it. It never skips silently.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

export const GO_VERSIONS = ['1.19', '1.21', '1.22', '1.23', '1.24', '1.26', '1.27'] as const;

export function cacheDir(): string {
  return process.env.MAPSCOPE_CACHE ?? join(homedir(), '.cache', 'mapscope');
}

/** GOROOT of a fetched toolchain, or an Error explaining how to fetch it. */
export function goroot(version: string): string {
  const root = join(cacheDir(), 'go', version);
  if (!existsSync(join(root, 'bin', 'go'))) {
    throw new Error(`Go ${version} toolchain missing at ${root}: run scripts/go-toolchains.sh ${version}`);
  }
  return root;
}

/** The qemu-user binary that runs GOARCH programs on this amd64 host, or null for native. */
export function emulatorFor(goarch: string): string | null {
  const qemu: Record<string, string> = { arm64: 'qemu-aarch64', arm: 'qemu-arm' };
  const exe = qemu[goarch];
  if (goarch === 'amd64' || goarch === '386') return null;
  if (!exe) throw new Error(`no emulator known for GOARCH=${goarch}`);
  try {
    execFileSync('sh', ['-c', `command -v ${exe}`], { stdio: 'pipe' });
  } catch {
    throw new Error(`${exe} missing: install Debian's qemu-user (scripts/setup.sh does)`);
  }
  return exe;
}
