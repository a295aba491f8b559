/**
 * pprof profiles (profile.proto, gzipped or not) as runtime/pprof,
 * net/http/pprof and `go test -cpuprofile` write them, decoded by the
 * pprof-format package and flattened into what mapscope needs: per sample
 * its values and its stack as frames, leaf first, inlined frames expanded
 * (a Location's Line entries list the innermost inlined function first and
 * the function it was inlined into last).
 *
 * Untrusted input: the decompressed size is bounded, every id a sample or
 * location refers to must exist, and any decoder failure becomes an
 * InputError naming the file.
 */
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { InputError } from '../base/errors.js';

/** Largest decompressed profile accepted. */
export const MAX_PROFILE_BYTES = 1 << 30;

export interface Frame {
  function: string;
  file: string;
  line: number;
}

export interface DecodedProfile {
  /** e.g. [{type:'samples',unit:'count'},{type:'cpu',unit:'nanoseconds'}] */
  sampleTypes: { type: string; unit: string }[];
  /** 'cpu' (a cpu sample type), 'heap' (alloc_ or inuse_ sample types: heap and allocs profiles) or 'other'. */
  kind: 'cpu' | 'heap' | 'other';
  period: number;
  periodType: { type: string; unit: string } | null;
  durationNanos: number;
  /** Frames, each (function, file, line) once; stacks index into it. */
  frames: Frame[];
  samples: { values: number[]; stack: number[] }[];
}

function num(v: number | bigint | undefined, what: string, file: string): number {
  if (v === undefined) return 0;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new InputError(file, undefined, `${what} ${String(v)} is not a safe integer`);
  return n;
}

export function decodeProfile(data: Buffer, file: string): DecodedProfile {
  let raw = data;
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) {
    try {
      raw = gunzipSync(data, { maxOutputLength: MAX_PROFILE_BYTES });
    } catch (e) {
      throw new InputError(file, undefined, `gzip: ${(e as Error).message}`);
    }
  }
  let p: Profile;
  try {
    p = Profile.decode(raw);
  } catch (e) {
    throw new InputError(file, undefined, `not a pprof profile: ${(e as Error).message}`);
  }
  const strings = p.stringTable?.strings ?? [];
  const str = (i: number | bigint | undefined, what: string): string => {
    const n = num(i, what, file);
    if (n < 0 || n >= strings.length) throw new InputError(file, undefined, `${what}: string index ${n} outside the string table (${strings.length})`);
    return strings[n];
  };
  const sampleTypes = (p.sampleType ?? []).map((t, i) => ({ type: str(t.type, `sample type ${i}`), unit: str(t.unit, `sample type ${i} unit`) }));
  if (sampleTypes.length === 0) throw new InputError(file, undefined, 'no sample types: not a pprof profile');
  const functions = new Map<number, { name: string; file: string }>();
  for (const f of p.function ?? []) functions.set(num(f.id, 'function id', file), { name: str(f.name, 'function name'), file: str(f.filename, 'function file') });

  const frames: Frame[] = [];
  const frameIds = new Map<string, number>();
  const intern = (fr: Frame): number => {
    const key = `${fr.function}\0${fr.file}\0${fr.line}`;
    let id = frameIds.get(key);
    if (id === undefined) {
      id = frames.length;
      frames.push(fr);
      frameIds.set(key, id);
    }
    return id;
  };
  const locations = new Map<number, number[]>();
  for (const l of p.location ?? []) {
    const id = num(l.id, 'location id', file);
    const stack: number[] = [];
    for (const ln of l.line ?? []) {
      const fid = num(ln.functionId, 'function id', file);
      const f = functions.get(fid);
      if (!f) throw new InputError(file, undefined, `location ${id} names function ${fid}, which the profile does not define`);
      stack.push(intern({ function: f.name, file: f.file, line: num(ln.line, 'line', file) }));
    }
    // A location without line information (a stripped binary): its address stands in.
    if (stack.length === 0) stack.push(intern({ function: `0x${num(l.address, 'address', file).toString(16)}`, file: '', line: 0 }));
    locations.set(id, stack);
  }
  const samples = (p.sample ?? []).map((s, i) => {
    if (s.value.length !== sampleTypes.length) throw new InputError(file, undefined, `sample ${i} has ${s.value.length} values for ${sampleTypes.length} sample types`);
    const stack: number[] = [];
    for (const lid of s.locationId) {
      const loc = locations.get(num(lid, 'location id', file));
      if (!loc) throw new InputError(file, undefined, `sample ${i} names location ${String(lid)}, which the profile does not define`);
      for (const fr of loc) stack.push(fr);
    }
    return { values: s.value.map((v) => num(v, `sample ${i} value`, file)), stack };
  });
  const types = sampleTypes.map((t) => t.type);
  const kind = types.includes('cpu') ? 'cpu' : types.some((t) => t.startsWith('alloc_') || t.startsWith('inuse_')) ? 'heap' : 'other';
  return {
    sampleTypes,
    kind,
    period: num(p.period, 'period', file),
    periodType: p.periodType ? { type: str(p.periodType.type, 'period type'), unit: str(p.periodType.unit, 'period unit') } : null,
    durationNanos: num(p.durationNanos, 'duration', file),
    frames,
    samples,
  };
}
