/**
 * pprof profiles (profile.proto, gzipped or not) as runtime/pprof,
 * net/http/pprof and `go test -cpuprofile` write them, decoded by the
 * pprof-format package and flattened into what mapscope needs: per sample
 * its values and its stack as frames, leaf first, inlined frames expanded
 * (a Location's Line entries list the innermost inlined function first and
 * the function it was inlined into last).
 *
 * Samples with the same stack are merged as they are decoded (their values
 * summed; labels, which mapscope does not read, dropped): a long profile with
 * per-request labels holds millions of samples over a few thousand stacks,
 * and every figure mapscope gives is a sum over samples. pprof-format's
 * Profile.decode hands each top-level field to the class's static
 * decodeValue; a subclass takes the samples there, one at a time, so the
 * decoder never holds them all as objects.
 *
 * Untrusted input: the decompressed size is bounded, every id a sample or
 * location refers to must exist, and any decoder failure becomes an
 * InputError naming the file.
 */
import { gunzipSync } from 'node:zlib';
import { Profile, Sample, type ProfileInput, type SampleInput } from 'pprof-format';
import { InputError } from '../base/errors.js';

/** Largest decompressed profile accepted. */
export const MAX_PROFILE_BYTES = 1 << 30;

export interface Frame {
  function: string;
  file: string;
  line: number;
}

/** One Location of the profile: a program counter and the frames inlined at it. */
export interface Location {
  /**
   * The address pprof recorded. runtime/pprof writes runtime.Frame.PC,
   * which for every frame but a CPU sample's leaf is the return address
   * minus one: an address inside the CALL instruction (symtab.go, Frames.Next).
   * 0: none recorded; -1: beyond 2^53 (kernel addresses).
   */
  address: number;
  /** Index into `mappings`, or -1 when the location names none. */
  mapping: number;
  /** Indices into `frames`, innermost inlined function first, the physical function last. */
  frames: number[];
}

/** A Mapping: where a binary was loaded in the profiled process. */
export interface Mapping {
  start: number;
  limit: number;
  fileOffset: number;
  file: string;
  buildId: string;
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
  locations: Location[];
  mappings: Mapping[];
  /** stack: frame indices, leaf first; locs: location indices, leaf first. */
  samples: { values: number[]; stack: number[]; locs: number[] }[];
}

function num(v: number | bigint | undefined, what: string, file: string): number {
  if (v === undefined) return 0;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new InputError(file, undefined, `${what} ${String(v)} is not a safe integer`);
  return n;
}

/** An address: kernel ones (vsyscall, 0xffffffffff600000) exceed 2^53 and become -1, "none mapscope can map". */
function address(v: number | bigint | undefined): number {
  const n = Number(v ?? 0);
  return Number.isSafeInteger(n) ? n : -1;
}

/** Receives each sample as pprof-format decodes it (set only during one decode). */
let sampleSink: ((s: Sample) => void) | null = null;

/** A Sample without its labels (field 3 of Sample), which mapscope does not read: not decoding them saves their objects. */
class UnlabelledSample extends Sample {
  static override decodeValue(data: SampleInput, field: number, buffer: Uint8Array): void {
    if (field !== 3) Sample.decodeValue(data, field, buffer);
  }
}

class MergingProfile extends Profile {
  static override decodeValue(data: ProfileInput, field: number, buffer: Uint8Array): void {
    // Field 2 of profile.proto is `repeated Sample sample`.
    if (field === 2 && sampleSink) sampleSink(UnlabelledSample.decode(buffer));
    else Profile.decodeValue(data, field, buffer);
  }
}

interface Merged {
  ids: (number | bigint)[];
  values: number[];
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
  // Samples by stack: a hash of the location ids, then an exact comparison.
  const merged = new Map<number, Merged[]>();
  const groups: Merged[] = [];
  const sink = (smp: Sample) => {
    const ids = smp.locationId;
    let h = ids.length;
    for (let i = 0; i < ids.length; i++) h = Math.imul(h ^ Number(ids[i]), 0x9e3779b1) + 0x7f4a7c15;
    let bucket = merged.get(h);
    if (!bucket) merged.set(h, (bucket = []));
    const m = bucket.find((g) => g.ids.length === ids.length && g.ids.every((x, i) => x === ids[i]));
    if (!m) {
      const g = { ids, values: smp.value.map((v) => num(v, `sample ${groups.length} value`, file)) };
      bucket.push(g);
      groups.push(g);
      return;
    }
    if (smp.value.length !== m.values.length) throw new InputError(file, undefined, `two samples on one stack carry ${m.values.length} and ${smp.value.length} values`);
    for (let i = 0; i < m.values.length; i++) m.values[i] += num(smp.value[i], 'sample value', file);
  };
  sampleSink = sink;
  try {
    // A plain Uint8Array view: the decoder slices with subarray, which on a Node Buffer builds a Buffer each time.
    p = MergingProfile.decode(new Uint8Array(raw.buffer, raw.byteOffset, raw.length));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(file, undefined, `not a pprof profile: ${(e as Error).message}`);
  } finally {
    sampleSink = null;
  }
  // Were pprof-format ever to stop routing fields through decodeValue, its samples are here instead.
  for (const smp of p.sample ?? []) sink(smp);
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
  const mappings: Mapping[] = [];
  const mappingIds = new Map<number, number>();
  for (const m of p.mapping ?? []) {
    mappingIds.set(num(m.id, 'mapping id', file), mappings.length);
    mappings.push({
      start: address(m.memoryStart),
      limit: address(m.memoryLimit),
      fileOffset: address(m.fileOffset),
      file: str(m.filename, 'mapping file'),
      buildId: str(m.buildId, 'mapping build id'),
    });
  }
  const locations: Location[] = [];
  const locationIds = new Map<number, number>();
  for (const l of p.location ?? []) {
    const id = num(l.id, 'location id', file);
    const mid = num(l.mappingId, 'mapping id', file);
    const mapping = mid === 0 ? -1 : mappingIds.get(mid);
    if (mapping === undefined) throw new InputError(file, undefined, `location ${id} names mapping ${mid}, which the profile does not define`);
    const stack: number[] = [];
    for (const ln of l.line ?? []) {
      const fid = num(ln.functionId, 'function id', file);
      const f = functions.get(fid);
      if (!f) throw new InputError(file, undefined, `location ${id} names function ${fid}, which the profile does not define`);
      stack.push(intern({ function: f.name, file: f.file, line: num(ln.line, 'line', file) }));
    }
    // A location without line information (a stripped binary): its address stands in.
    const address = num(l.address, 'address', file);
    if (stack.length === 0) stack.push(intern({ function: `0x${address.toString(16)}`, file: '', line: 0 }));
    locationIds.set(id, locations.length);
    locations.push({ address, mapping, frames: stack });
  }
  const samples = groups.map((s, i) => {
    if (s.values.length !== sampleTypes.length) throw new InputError(file, undefined, `sample ${i} has ${s.values.length} values for ${sampleTypes.length} sample types`);
    const stack: number[] = [];
    const locs: number[] = [];
    for (const lid of s.ids) {
      const li = locationIds.get(num(lid, 'location id', file));
      if (li === undefined) throw new InputError(file, undefined, `sample ${i} names location ${String(lid)}, which the profile does not define`);
      locs.push(li);
      for (const fr of locations[li].frames) stack.push(fr);
    }
    return { values: s.values, stack, locs };
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
    locations,
    mappings,
    samples,
  };
}
