package dev.ocisquash.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.TempFiles;
import dev.ocisquash.archive.ImageWriter;
import dev.ocisquash.archive.OutputFormat;
import dev.ocisquash.archive.WrittenImage;
import dev.ocisquash.model.Digest;
import dev.ocisquash.model.Json;
import dev.ocisquash.model.MediaTypes;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import dev.ocisquash.tar.TarWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a docker-archive whose layers are directory trees, one uncompressed layer per directory,
 * with the library's {@link TarWriter} and {@link ImageWriter}: how the image of ocisquash gets its
 * first, unsquashed form (build-image.sh then squashes and strips it with the CLI).
 *
 * <p>Reproducible: entries in byte order of their names, directories before their contents, owned
 * by 0:0, dated the given epoch; only the permission bits come from the files. Regular files,
 * directories and symlinks only: anything else in a tree is an error naming it.
 *
 * <p>Usage: {@code RootfsImage OUT NAME EPOCH CONFIG.json DIR=CREATED_BY...}. CONFIG.json holds the
 * image config's {@code config} object (Entrypoint, Env, Labels...); architecture, os, created,
 * rootfs and history are filled in here.
 */
public final class RootfsImage {
  private RootfsImage() {}

  /** Command-line entry point; see the class comment. */
  public static void main(String[] args) throws IOException {
    if (args.length < 5) {
      System.err.println("usage: RootfsImage OUT NAME EPOCH CONFIG.json DIR=CREATED_BY...");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    long epoch = Long.parseLong(args[2]);
    JsonNode containerConfig = Json.parse(Files.readAllBytes(Path.of(args[3])));
    List<String> layers = List.of(args).subList(4, args.length);
    WrittenImage written = write(out, args[1], epoch, containerConfig, layers);
    System.out.println(out + " " + written.manifestDigest());
  }

  /** Writes the image; {@code layers} are {@code DIR=CREATED_BY} pairs, bottom first. */
  static WrittenImage write(
      Path out, String name, long epoch, JsonNode containerConfig, List<String> layers)
      throws IOException {
    String created = Instant.ofEpochSecond(epoch).toString();
    ObjectNode config = Json.object();
    // The image holds this machine's runtime and libraries.
    String arch = System.getProperty("os.arch");
    config.put(
        "architecture", arch.equals("aarch64") ? "arm64" : arch.equals("x86_64") ? "amd64" : arch);
    config.put("os", "linux");
    config.put("created", created);
    config.set("config", containerConfig);
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    ArrayNode history = config.putArray("history");
    try (ImageWriter.PendingImage image =
        ImageWriter.begin(out, OutputFormat.DOCKER, epoch, TempFiles.none())) {
      for (String layer : layers) {
        int eq = layer.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException("layer '" + layer + "' is not DIR=CREATED_BY");
        }
        Path dir = Path.of(layer.substring(0, eq));
        var written =
            image.writeLayer(
                MediaTypes.DOCKER_LAYER,
                body -> {
                  MessageDigest sha = sha256();
                  DigestOutputStream digesting = new DigestOutputStream(body, sha);
                  TarWriter tar = new TarWriter(digesting);
                  writeTree(tar, dir, epoch);
                  tar.finish();
                  digesting.flush();
                  Digest d = Digest.sha256(sha.digest());
                  return new ImageWriter.NewBlob(d, d, tar.bytesWritten());
                });
        diffIds.add(written.diffId().toString());
        ObjectNode h = history.addObject();
        h.put("created", created);
        h.put("created_by", layer.substring(eq + 1));
      }
      return image.finish(config, null, List.of(name));
    }
  }

  /** Writes every entry under {@code root} (not the root itself), sorted, directories first. */
  static void writeTree(TarWriter tar, Path root, long epoch) throws IOException {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(root + ": not a directory");
    }
    walk(tar, root, root, epoch);
  }

  private static void walk(TarWriter tar, Path root, Path dir, long epoch) throws IOException {
    List<Path> children = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(children::add);
    }
    children.sort(
        Comparator.comparing(
            p -> p.getFileName().toString().getBytes(StandardCharsets.UTF_8),
            java.util.Arrays::compareUnsigned));
    for (Path p : children) {
      String name = root.relativize(p).toString();
      int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
      if (Files.isSymbolicLink(p)) {
        tar.putEntry(
            entry(TarEntryType.SYMLINK, name, 0777, epoch)
                .linkTarget(Files.readSymbolicLink(p).toString())
                .build());
      } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        tar.putEntry(entry(TarEntryType.DIRECTORY, name + "/", mode, epoch).build());
        walk(tar, root, p, epoch);
      } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        long size = Files.size(p);
        tar.putEntry(entry(TarEntryType.REGULAR, name, mode, epoch).size(size).build());
        try (InputStream in = Files.newInputStream(p)) {
          in.transferTo(tar.contentStream());
        }
        tar.closeEntry();
      } else {
        throw new IOException(p + ": neither a file, a directory nor a symlink");
      }
    }
  }

  private static TarEntry.Builder entry(TarEntryType type, String name, int mode, long epoch) {
    return TarEntry.builder(type, name).mode(mode).uid(0).gid(0).mtime(epoch, 0);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
