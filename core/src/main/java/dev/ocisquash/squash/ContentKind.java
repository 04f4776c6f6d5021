package dev.ocisquash.squash;

/**
 * Recognises the content the strip safety checks read: ELF files (for their dependencies), {@code
 * #!} scripts (for their interpreter), the loader configuration, and installed Python packages'
 * {@code __init__.py} (for the tests preset's import check). Only those are worth keeping at hand.
 */
final class ContentKind {
  /** Bytes to read to decide. */
  static final int HEAD = 4;

  private ContentKind() {}

  /**
   * Whether the strip checks read this file: an ELF file, a script, the dynamic loader's
   * configuration ({@code etc/ld.so.conf*}, which names library directories), or an {@code
   * __init__.py} below {@code site-packages} or {@code dist-packages}.
   */
  static boolean readByStripChecks(String path, byte[] head) {
    return path.startsWith("etc/ld.so.conf") || isExecutable(head) || isPackageInit(path);
  }

  private static boolean isPackageInit(String path) {
    return path.endsWith("/__init__.py")
        && (path.contains("site-packages/") || path.contains("dist-packages/"));
  }

  /** Whether the first bytes are those of an ELF file or a script. */
  static boolean isExecutable(byte[] head) {
    boolean elf =
        head.length >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
    boolean script = head.length >= 2 && head[0] == '#' && head[1] == '!';
    return elf || script;
  }
}
