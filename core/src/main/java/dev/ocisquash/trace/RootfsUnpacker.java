package dev.ocisquash.trace;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.archive.ImageArchives;
import dev.ocisquash.archive.ImageSelector;
import dev.ocisquash.archive.LayerStream;
import dev.ocisquash.archive.OutputFormat;
import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.squash.SquashOptions;
import dev.ocisquash.squash.Squasher;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import dev.ocisquash.tar.TarReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Unpacks an image's flattened tree into a directory, so a command can run in it: the image is
 * squashed (the library's own flattening, whiteouts and all) into an uncompressed single-layer OCI
 * layout next to the directory, and that layer is written out. Modes (setuid included), symlinks
 * and hard links are kept; owners too when running as root. Devices and FIFOs are skipped (the
 * runner mounts its own {@code /dev}); xattrs are not set. An entry is never written through a
 * symlink: every parent must be a directory this unpacker made.
 */
public final class RootfsUnpacker {
  private RootfsUnpacker() {}

  /**
   * Flattens and unpacks.
   *
   * @param input the image, as {@link SquashOptions#builder(String, String)} takes it
   * @param selector which image of the input
   * @param registry how to reach a registry input, or null
   * @param work an empty directory for the layout ({@code work/layout}) and the tree ({@code
   *     work/rootfs})
   * @return the image config
   */
  public static ObjectNode unpack(
      String input,
      ImageSelector selector,
      dev.ocisquash.registry.RegistryOptions registry,
      Path work,
      boolean chown)
      throws IOException {
    Path layout = work.resolve("layout");
    Path rootfs = work.resolve("rootfs");
    SquashOptions.Builder b =
        SquashOptions.builder(input, layout.toString())
            .selector(selector)
            .format(OutputFormat.OCI_DIR)
            .compression(Compression.NONE)
            .allowNoop(true);
    if (registry != null) {
      b.registry(registry);
    }
    Squasher.squash(b.build());
    Files.createDirectory(rootfs);
    try (SourceImage img = ImageArchives.open(layout, ImageSelector.any())) {
      if (img.layers().size() != 1) {
        throw new ImageException(
            Kind.INTERNAL,
            layout + ": the squash left " + img.layers().size() + " layers, not one");
      }
      try (LayerStream in = img.layers().get(0).open()) {
        write(new TarReader(in, img.layers().get(0).label()), rootfs, chown);
        in.finish();
      }
      return img.config();
    } finally {
      dev.ocisquash.TempFiles.deleteRecursively(layout);
    }
  }

  private record Dir(Path path, int mode, long uid, long gid) {}

  static void write(TarReader tar, Path root, boolean chown) throws IOException {
    Set<String> dirs = new HashSet<>();
    dirs.add("");
    List<Dir> later = new ArrayList<>();
    for (TarEntry e = tar.next(); e != null; e = tar.next()) {
      String name = clean(e.path());
      if (name.isEmpty()) {
        later.add(new Dir(root, e.mode(), e.uid(), e.gid()));
        continue;
      }
      int slash = name.lastIndexOf('/');
      String parent = slash < 0 ? "" : name.substring(0, slash);
      if (!dirs.contains(parent)) {
        throw new ImageException(
            Kind.CORRUPT_INPUT, e.path() + ": its parent is not a directory of the image");
      }
      Path p = root.resolve(name);
      TarEntryType t = e.type();
      switch (t) {
        case DIRECTORY -> {
          if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(p);
          }
          dirs.add(name);
          later.add(new Dir(p, e.mode(), e.uid(), e.gid()));
          continue;
        }
        case REGULAR -> {
          try (OutputStream out = Files.newOutputStream(p)) {
            InputStream c = tar.content();
            c.transferTo(out);
          }
        }
        case SYMLINK -> {
          Files.createSymbolicLink(p, Path.of(e.linkTarget()));
          if (chown) {
            Files.setAttribute(p, "unix:uid", (int) e.uid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", (int) e.gid(), LinkOption.NOFOLLOW_LINKS);
          }
          continue;
        }
        case HARDLINK -> {
          Files.createLink(p, root.resolve(clean(e.linkTarget())));
          continue;
        }
        default -> {
          continue; // devices and FIFOs: the runner provides /dev
        }
      }
      attributes(p, e.mode(), e.uid(), e.gid(), chown);
    }
    for (int i = later.size() - 1; i >= 0; i--) {
      Dir d = later.get(i);
      attributes(d.path(), d.mode(), d.uid(), d.gid(), chown);
    }
  }

  private static void attributes(Path p, int mode, long uid, long gid, boolean chown)
      throws IOException {
    if (chown) {
      Files.setAttribute(p, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(p, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
    }
    // after chown, which clears setuid and setgid
    Files.setAttribute(p, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * The entry name relative to the root: no leading {@code ./} or {@code /}, no trailing slash, no
   * {@code ..}.
   */
  static String clean(String name) throws ImageException {
    String n = name;
    while (n.startsWith("./") || n.startsWith("/")) {
      n = n.substring(n.startsWith("./") ? 2 : 1);
    }
    while (n.endsWith("/")) {
      n = n.substring(0, n.length() - 1);
    }
    if (n.equals(".")) {
      return "";
    }
    for (String part : n.split("/", -1)) {
      if (part.equals("..")) {
        throw new ImageException(Kind.CORRUPT_INPUT, name + ": a '..' component in a layer entry");
      }
    }
    return n;
  }
}
