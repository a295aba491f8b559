/**
 * The ELF numbers mapscope's readers use, named as Go's debug/elf names them
 * (the System V gABI and each architecture's psABI): readers compare against
 * `EM_AARCH64` or `PT_LOAD`, never a bare number. Only the codes a reader
 * uses are here; a new reader adds its own.
 */

/** e_ident[EI_CLASS] and e_ident[EI_DATA]. */
export const ELFCLASS32 = 1;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ELFDATA2MSB = 2;

/** e_ident[EI_OSABI]: Go's linker marks FreeBSD executables; Solaris ones may carry theirs. */
export const ELFOSABI_SOLARIS = 6;
export const ELFOSABI_FREEBSD = 9;

/** e_type. */
export const ET_DYN = 3;
export const ET_CORE = 4;

/** e_machine, for the architectures Go targets. */
export const EM_386 = 3;
export const EM_MIPS = 8;
export const EM_PPC64 = 21;
export const EM_S390 = 22;
export const EM_ARM = 40;
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
export const EM_RISCV = 243;
export const EM_LOONGARCH = 258;

/** p_type and p_flags. */
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_NOTE = 4;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;
/** e_phnum escape: the real count is in section header 0's sh_info. */
export const PN_XNUM = 0xffff;

/** sh_type and sh_flags. */
export const SHT_SYMTAB = 2;
export const SHT_RELA = 4;
export const SHT_NOBITS = 8;
export const SHF_WRITE = 1;
export const SHF_ALLOC = 2;
export const SHF_EXECINSTR = 4;
export const SHF_COMPRESSED = 0x800;
/** e_shstrndx escape: the real index is in section header 0's sh_link. */
export const SHN_XINDEX = 0xffff;
/** Elf_Chdr.ch_type of a SHF_COMPRESSED section. */
export const COMPRESS_ZLIB = 1;

/**
 * The relocation that says "this word = load base + addend" (R_<arch>_RELATIVE;
 * MIPS has none by that name and uses R_MIPS_REL32), per e_machine.
 */
export const R_RELATIVE: Readonly<Record<number, number>> = {
  [EM_X86_64]: 8, // R_X86_64_RELATIVE
  [EM_AARCH64]: 1027, // R_AARCH64_RELATIVE
  [EM_386]: 8, // R_386_RELATIVE
  [EM_ARM]: 23, // R_ARM_RELATIVE
  [EM_PPC64]: 22, // R_PPC64_RELATIVE
  [EM_S390]: 12, // R_390_RELATIVE
  [EM_RISCV]: 3, // R_RISCV_RELATIVE
  [EM_LOONGARCH]: 3, // R_LARCH_RELATIVE
  [EM_MIPS]: 3, // R_MIPS_REL32
};

/** Core-file note types (n_type) and auxiliary vector keys (Linux include/uapi/linux/elf.h, auxvec.h). */
export const NT_PRSTATUS = 1;
export const NT_AUXV = 6;
/** "FILE": the mapped files of the process. */
export const NT_FILE = 0x46494c45;
export const AT_PHDR = 3;
export const AT_ENTRY = 9;
