package dev.ocisquash.strip;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The dynamic-linking facts of one ELF file, read with a minimal reader of our own: 32 and 64 bit,
 * both byte orders. It reads the ELF header, the program headers (PT_INTERP, PT_DYNAMIC, PT_LOAD),
 * the dynamic section, and the strings that DT_NEEDED, DT_RUNPATH and DT_RPATH point at. DT_STRTAB
 * is a virtual address: it is mapped to a file offset through the PT_LOAD segments, or, when that
 * fails, through the section headers (the SHT_DYNAMIC section's sh_link). Nothing else of the file
 * is read.
 */
public final class ElfInfo {
  private static final int PT_LOAD = 1;
  private static final int PT_DYNAMIC = 2;
  private static final int PT_INTERP = 3;
  private static final long DT_NEEDED = 1;
  private static final long DT_STRTAB = 5;
  private static final long DT_RPATH = 15;
  private static final long DT_RUNPATH = 29;
  private static final int MAX_PH = 4096;
  private static final int MAX_DYN = 1 << 16;

  private final boolean is64;
  private final boolean bigEndian;
  private final @Nullable String interpreter;
  private final List<String> needed;
  private final @Nullable String runpath;
  private final @Nullable String rpath;

  private ElfInfo(
      boolean is64,
      boolean bigEndian,
      @Nullable String interpreter,
      List<String> needed,
      @Nullable String runpath,
      @Nullable String rpath) {
    this.is64 = is64;
    this.bigEndian = bigEndian;
    this.interpreter = interpreter;
    this.needed = Collections.unmodifiableList(needed);
    this.runpath = runpath;
    this.rpath = rpath;
  }

  /** Whether the first bytes are the ELF magic. */
  public static boolean isElf(byte[] head, int len) {
    return len >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
  }

  /**
   * Reads an ELF file.
   *
   * @return the facts, or null when the content is not ELF or is truncated/malformed
   * @throws IOException when reading fails
   */
  public static @Nullable ElfInfo read(SeekableContent in) throws IOException {
    byte[] h = new byte[64];
    int n = in.readFully(0, h, 0, 64);
    if (!isElf(h, n) || n < 52) {
      return null;
    }
    boolean is64 = h[4] == 2;
    if (h[4] != 1 && h[4] != 2) {
      return null;
    }
    if (h[5] != 1 && h[5] != 2) {
      return null;
    }
    Reader r = new Reader(in, h[5] == 2);
    long phoff = is64 ? r.u64(h, 32) : r.u32(h, 28);
    int phentsize = r.u16(h, is64 ? 54 : 42);
    int phnum = r.u16(h, is64 ? 56 : 44);
    if (phnum > MAX_PH || phentsize < (is64 ? 56 : 32)) {
      return null;
    }
    byte[] ph = new byte[phentsize * phnum];
    if (in.readFully(phoff, ph, 0, ph.length) != ph.length) {
      return null;
    }
    List<long[]> loads = new ArrayList<>();
    long dynOff = -1;
    long dynSize = 0;
    String interp = null;
    for (int i = 0; i < phnum; i++) {
      int b = i * phentsize;
      long type = r.u32(ph, b);
      long off = is64 ? r.u64(ph, b + 8) : r.u32(ph, b + 4);
      long vaddr = is64 ? r.u64(ph, b + 16) : r.u32(ph, b + 8);
      long filesz = is64 ? r.u64(ph, b + 32) : r.u32(ph, b + 16);
      if (type == PT_LOAD) {
        loads.add(new long[] {vaddr, off, filesz});
      } else if (type == PT_DYNAMIC) {
        dynOff = off;
        dynSize = filesz;
      } else if (type == PT_INTERP && filesz > 0 && filesz < 4096) {
        interp = r.cstring(off, (int) filesz);
      }
    }
    List<String> needed = new ArrayList<>();
    String runpath = null;
    String rpath = null;
    if (dynOff >= 0) {
      int entSize = is64 ? 16 : 8;
      int count = (int) Math.min(dynSize / entSize, MAX_DYN);
      byte[] dyn = new byte[count * entSize];
      int got = in.readFully(dynOff, dyn, 0, dyn.length);
      count = got / entSize;
      long strtab = -1;
      List<Long> neededOffs = new ArrayList<>();
      long runOff = -1;
      long rOff = -1;
      for (int i = 0; i < count; i++) {
        long tag = is64 ? r.u64(dyn, i * entSize) : r.u32(dyn, i * entSize);
        long val = is64 ? r.u64(dyn, i * entSize + 8) : r.u32(dyn, i * entSize + 4);
        if (tag == 0) {
          break;
        } else if (tag == DT_NEEDED) {
          neededOffs.add(val);
        } else if (tag == DT_STRTAB) {
          strtab = val;
        } else if (tag == DT_RUNPATH) {
          runOff = val;
        } else if (tag == DT_RPATH) {
          rOff = val;
        }
      }
      long strFile = -1;
      if (strtab >= 0) {
        for (long[] l : loads) {
          if (strtab >= l[0] && strtab < l[0] + l[2]) {
            strFile = strtab - l[0] + l[1];
            break;
          }
        }
      }
      if (strFile < 0) {
        strFile = strtabFromSections(r, h, is64);
      }
      if (strFile >= 0) {
        for (long o : neededOffs) {
          String s = r.cstring(strFile + o, 4096);
          if (s != null && !s.isEmpty()) {
            needed.add(s);
          }
        }
        runpath = runOff >= 0 ? r.cstring(strFile + runOff, 4096) : null;
        rpath = rOff >= 0 ? r.cstring(strFile + rOff, 4096) : null;
      }
    }
    return new ElfInfo(is64, h[5] == 2, interp, needed, runpath, rpath);
  }

  private static long strtabFromSections(Reader r, byte[] h, boolean is64) throws IOException {
    long shoff = is64 ? r.u64(h, 40) : r.u32(h, 32);
    int shentsize = r.u16(h, is64 ? 58 : 46);
    int shnum = r.u16(h, is64 ? 60 : 48);
    if (shoff == 0 || shnum == 0 || shnum > MAX_PH * 16 || shentsize < (is64 ? 64 : 40)) {
      return -1;
    }
    byte[] sh = new byte[shentsize * shnum];
    if (r.in.readFully(shoff, sh, 0, sh.length) != sh.length) {
      return -1;
    }
    for (int i = 0; i < shnum; i++) {
      int b = i * shentsize;
      if (r.u32(sh, b + 4) == 6) { // SHT_DYNAMIC
        long link = r.u32(sh, b + (is64 ? 40 : 24));
        if (link <= 0 || link >= shnum) {
          return -1;
        }
        int lb = (int) link * shentsize;
        return is64 ? r.u64(sh, lb + 24) : r.u32(sh, lb + 16);
      }
    }
    return -1;
  }

  private static final class Reader {
    final SeekableContent in;
    final boolean be;

    Reader(SeekableContent in, boolean be) {
      this.in = in;
      this.be = be;
    }

    int u16(byte[] b, int o) {
      int x = b[o] & 0xff;
      int y = b[o + 1] & 0xff;
      return be ? (x << 8) | y : (y << 8) | x;
    }

    long u32(byte[] b, int o) {
      long v = 0;
      for (int i = 0; i < 4; i++) {
        int k = be ? i : 3 - i;
        v = (v << 8) | (b[o + k] & 0xff);
      }
      return v;
    }

    long u64(byte[] b, int o) {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        int k = be ? i : 7 - i;
        v = (v << 8) | (b[o + k] & 0xff);
      }
      return v;
    }

    @Nullable String cstring(long off, int max) throws IOException {
      if (off < 0) {
        return null;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[256];
      long pos = off;
      while (out.size() < max) {
        int n = in.read(pos, buf, 0, buf.length);
        if (n <= 0) {
          break;
        }
        for (int i = 0; i < n; i++) {
          if (buf[i] == 0) {
            return out.toString(StandardCharsets.UTF_8);
          }
          out.write(buf[i]);
        }
        pos += n;
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  /** Whether the file is 64-bit. */
  public boolean is64() {
    return is64;
  }

  /** Whether the file is big-endian. */
  public boolean bigEndian() {
    return bigEndian;
  }

  /** The program interpreter (PT_INTERP), e.g. {@code /lib64/ld-linux-x86-64.so.2}, or null. */
  public @Nullable String interpreter() {
    return interpreter;
  }

  /** DT_NEEDED sonames in order. */
  public List<String> needed() {
    return needed;
  }

  /** DT_RUNPATH, or null. */
  public @Nullable String runpath() {
    return runpath;
  }

  /** DT_RPATH, or null. */
  public @Nullable String rpath() {
    return rpath;
  }
}
