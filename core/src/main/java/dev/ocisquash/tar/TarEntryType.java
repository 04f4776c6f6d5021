package dev.ocisquash.tar;

import org.jspecify.annotations.Nullable;

/** The kinds of tar entry ocisquash understands, with their typeflag bytes. */
public enum TarEntryType {
  /** A regular file ('0', or NUL / '7' on input). */
  REGULAR((byte) '0'),
  /** A hard link to an earlier entry ('1'). */
  HARDLINK((byte) '1'),
  /** A symbolic link ('2'). */
  SYMLINK((byte) '2'),
  /** A character device ('3'). */
  CHAR_DEVICE((byte) '3'),
  /** A block device ('4'). */
  BLOCK_DEVICE((byte) '4'),
  /** A directory ('5'). */
  DIRECTORY((byte) '5'),
  /** A named pipe ('6'). */
  FIFO((byte) '6');

  private final byte flag;

  TarEntryType(byte flag) {
    this.flag = flag;
  }

  /** The typeflag byte written for this type. */
  public byte flag() {
    return flag;
  }

  /** Whether entries of this type carry content bytes in the archive. */
  public boolean hasContent() {
    return this == REGULAR;
  }

  /**
   * Maps a typeflag byte read from a header to a type.
   *
   * @return the type, or {@code null} for flags that are not filesystem objects (PAX, GNU long
   *     names...)
   */
  public static @Nullable TarEntryType fromFlag(byte flag) {
    switch (flag) {
      case 0:
      case '0':
      case '7':
        return REGULAR;
      case '1':
        return HARDLINK;
      case '2':
        return SYMLINK;
      case '3':
        return CHAR_DEVICE;
      case '4':
        return BLOCK_DEVICE;
      case '5':
        return DIRECTORY;
      case '6':
        return FIFO;
      default:
        return null;
    }
  }
}
