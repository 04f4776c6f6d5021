package dev.ocisquash.tar;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One filesystem object read from, or to be written to, a tar stream: the header only, never the
 * content.
 *
 * <p>Names are kept as raw bytes so that names that are not UTF-8 pass through unchanged. {@link
 * #path()} is the normalised name: no leading {@code ./} or {@code /}, no trailing slash, and
 * {@code ""} for the root directory.
 *
 * <p>PAX records that ocisquash does not interpret (including {@code SCHILY.xattr.*} with binary
 * values and {@code GNU.sparse.*}) are kept verbatim in {@link #paxExtras()}, sorted by key, so a
 * rewrite loses nothing. The atime and ctime are dropped on purpose: they make output
 * irreproducible and no runtime reads them.
 *
 * <p>Instances are immutable; use {@link #toBuilder()} to derive a changed copy.
 */
public final class TarEntry {
  private final TarEntryType type;
  private final byte[] path;
  private final byte[] linkTarget;
  private final int mode;
  private final long uid;
  private final long gid;
  private final String userName;
  private final String groupName;
  private final long size;
  private final long mtimeSeconds;
  private final int mtimeNanos;
  private final int devMajor;
  private final int devMinor;
  private final SortedMap<String, byte[]> paxExtras;

  private TarEntry(Builder b) {
    this.type = Objects.requireNonNull(b.type, "type");
    this.path = Objects.requireNonNull(b.path, "path");
    this.linkTarget = b.linkTarget == null ? new byte[0] : b.linkTarget;
    this.mode = b.mode;
    this.uid = b.uid;
    this.gid = b.gid;
    this.userName = b.userName == null ? "" : b.userName;
    this.groupName = b.groupName == null ? "" : b.groupName;
    this.size = type.hasContent() ? b.size : 0;
    this.mtimeSeconds = b.mtimeSeconds;
    this.mtimeNanos = b.mtimeNanos;
    this.devMajor = b.devMajor;
    this.devMinor = b.devMinor;
    this.paxExtras =
        b.paxExtras == null || b.paxExtras.isEmpty()
            ? Collections.emptySortedMap()
            : Collections.unmodifiableSortedMap(new TreeMap<>(b.paxExtras));
  }

  /** A new builder for an entry of the given type and normalised path. */
  public static Builder builder(TarEntryType type, byte[] path) {
    return new Builder().type(type).path(path);
  }

  /**
   * A new builder for an entry of the given type and normalised path, encoded as {@link
   * PathNames#encode}.
   */
  public static Builder builder(TarEntryType type, String path) {
    return builder(type, PathNames.encode(path));
  }

  /** A builder initialised with this entry's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.type = type;
    b.path = path;
    b.linkTarget = linkTarget;
    b.mode = mode;
    b.uid = uid;
    b.gid = gid;
    b.userName = userName;
    b.groupName = groupName;
    b.size = size;
    b.mtimeSeconds = mtimeSeconds;
    b.mtimeNanos = mtimeNanos;
    b.devMajor = devMajor;
    b.devMinor = devMinor;
    b.paxExtras = new TreeMap<>(paxExtras);
    return b;
  }

  /** The entry's type. */
  public TarEntryType type() {
    return type;
  }

  /** The normalised path as raw bytes (shared; do not modify). */
  public byte[] pathBytes() {
    return path;
  }

  /**
   * The normalised path as a name for matching and trees: {@link PathNames#decode}, so distinct
   * byte names stay distinct. Pass it through {@link PathNames#display} before showing it.
   */
  public String path() {
    return PathNames.decode(path);
  }

  /**
   * The link target (symlink or hardlink) as raw bytes; empty for other types. Shared; do not
   * modify.
   */
  public byte[] linkTargetBytes() {
    return linkTarget;
  }

  /** The link target decoded as {@link #path()} is. */
  public String linkTarget() {
    return PathNames.decode(linkTarget);
  }

  /**
   * Permission bits including setuid (04000), setgid (02000) and sticky (01000); no file-type bits.
   */
  public int mode() {
    return mode;
  }

  /** Numeric owner. */
  public long uid() {
    return uid;
  }

  /** Numeric group. */
  public long gid() {
    return gid;
  }

  /** Owner name, or "". */
  public String userName() {
    return userName;
  }

  /** Group name, or "". */
  public String groupName() {
    return groupName;
  }

  /** Bytes of content that follow the header; 0 for everything but regular files. */
  public long size() {
    return size;
  }

  /** Modification time, whole seconds since the epoch (may be negative). */
  public long mtimeSeconds() {
    return mtimeSeconds;
  }

  /** Sub-second part of the modification time, 0..999999999. */
  public int mtimeNanos() {
    return mtimeNanos;
  }

  /** Device major number (devices only). */
  public int devMajor() {
    return devMajor;
  }

  /** Device minor number (devices only). */
  public int devMinor() {
    return devMinor;
  }

  /**
   * PAX records kept verbatim, sorted by key: xattrs ({@code SCHILY.xattr.NAME}), sparse-file
   * records and any unknown key. Never holds path, linkpath, size, uid, gid, uname, gname, mtime,
   * atime or ctime.
   */
  public SortedMap<String, byte[]> paxExtras() {
    return paxExtras;
  }

  /** Extended attributes (name to raw value), taken from the {@code SCHILY.xattr.} PAX records. */
  public SortedMap<String, byte[]> xattrs() {
    SortedMap<String, byte[]> out = new TreeMap<>();
    for (Map.Entry<String, byte[]> e : paxExtras.entrySet()) {
      if (e.getKey().startsWith(XATTR_PREFIX)) {
        out.put(e.getKey().substring(XATTR_PREFIX.length()), e.getValue());
      }
    }
    return out;
  }

  /** Whether this is a directory. */
  public boolean isDirectory() {
    return type == TarEntryType.DIRECTORY;
  }

  /** The PAX key prefix for extended attributes. */
  public static final String XATTR_PREFIX = "SCHILY.xattr.";

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof TarEntry t)) {
      return false;
    }
    if (paxExtras.size() != t.paxExtras.size()) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : paxExtras.entrySet()) {
      if (!Arrays.equals(e.getValue(), t.paxExtras.get(e.getKey()))) {
        return false;
      }
    }
    return type == t.type
        && Arrays.equals(path, t.path)
        && Arrays.equals(linkTarget, t.linkTarget)
        && mode == t.mode
        && uid == t.uid
        && gid == t.gid
        && userName.equals(t.userName)
        && groupName.equals(t.groupName)
        && size == t.size
        && mtimeSeconds == t.mtimeSeconds
        && mtimeNanos == t.mtimeNanos
        && devMajor == t.devMajor
        && devMinor == t.devMinor;
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, Arrays.hashCode(path), size, mtimeSeconds, mode);
  }

  @Override
  public String toString() {
    return type
        + " "
        + path()
        + (linkTarget.length > 0 ? " -> " + linkTarget() : "")
        + " size="
        + size;
  }

  /** Mutable builder for {@link TarEntry}. */
  public static final class Builder {
    private @Nullable TarEntryType type;
    private byte @Nullable [] path;
    private byte @Nullable [] linkTarget;
    private int mode = 0644;
    private long uid;
    private long gid;
    private @Nullable String userName;
    private @Nullable String groupName;
    private long size;
    private long mtimeSeconds;
    private int mtimeNanos;
    private int devMajor;
    private int devMinor;
    private @Nullable TreeMap<String, byte[]> paxExtras;

    private Builder() {}

    /** Sets the type. */
    public Builder type(TarEntryType v) {
      type = v;
      return this;
    }

    /** Sets the normalised path bytes. */
    public Builder path(byte[] v) {
      path = v;
      return this;
    }

    /** Sets the link target bytes. */
    public Builder linkTarget(byte[] v) {
      linkTarget = v;
      return this;
    }

    /** Sets the link target from a name, encoded as {@link PathNames#encode}. */
    public Builder linkTarget(String v) {
      return linkTarget(PathNames.encode(v));
    }

    /** Sets the permission bits (07777). */
    public Builder mode(int v) {
      mode = v;
      return this;
    }

    /** Sets the numeric owner. */
    public Builder uid(long v) {
      uid = v;
      return this;
    }

    /** Sets the numeric group. */
    public Builder gid(long v) {
      gid = v;
      return this;
    }

    /** Sets the owner name. */
    public Builder userName(String v) {
      userName = v;
      return this;
    }

    /** Sets the group name. */
    public Builder groupName(String v) {
      groupName = v;
      return this;
    }

    /** Sets the content size. */
    public Builder size(long v) {
      size = v;
      return this;
    }

    /** Sets the modification time. */
    public Builder mtime(long seconds, int nanos) {
      mtimeSeconds = seconds;
      mtimeNanos = nanos;
      return this;
    }

    /** Sets the device numbers. */
    public Builder device(int major, int minor) {
      devMajor = major;
      devMinor = minor;
      return this;
    }

    /** Adds or replaces a verbatim PAX record. */
    public Builder paxExtra(String key, byte[] value) {
      if (paxExtras == null) {
        paxExtras = new TreeMap<>();
      }
      paxExtras.put(key, value);
      return this;
    }

    /** Adds an extended attribute. */
    public Builder xattr(String name, byte[] value) {
      return paxExtra(XATTR_PREFIX + name, value);
    }

    /** Builds the immutable entry. */
    public TarEntry build() {
      return new TarEntry(this);
    }
  }
}
