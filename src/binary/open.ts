/**
 * Opens an executable of any supported format by its magic number.
 * A fat Mach-O yields one ObjectFile per architecture slice.
 */
import { InputError } from '../base/errors.js';
import { isELF, readELF } from './elf.js';
import { machoKind, readMachO } from './macho.js';
import { isPE, readPE } from './pe.js';
import type { ObjectFile } from './object.js';

export function openObjects(file: string, data: Uint8Array): ObjectFile[] {
  if (isELF(data)) return [readELF(file, data)];
  if (machoKind(data)) return readMachO(file, data);
  if (isPE(data)) return [readPE(file, data)];
  if (data.length === 0) throw new InputError(file, 0, 'empty file');
  throw new InputError(file, 0, 'not an executable: no ELF, Mach-O or PE magic');
}
