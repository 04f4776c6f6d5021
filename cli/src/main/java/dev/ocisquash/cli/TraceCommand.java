package dev.ocisquash.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.TempFiles;
import dev.ocisquash.archive.ImageSelector;
import dev.ocisquash.model.Json;
import dev.ocisquash.trace.ImageRuntime;
import dev.ocisquash.trace.RootfsUnpacker;
import dev.ocisquash.trace.TraceRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ocisquash trace IMAGE -o trace.json -- CMD [ARGS...]}: runs a command in the image's
 * flattened root on this machine, under strace, and writes what it touched (docs/trace.md). Exit
 * codes: 0 ok, 1 bad input, a failed setup or a command that exited non-zero (the trace is written
 * all the same), 2 usage.
 */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    description = {
      "Run a command inside the image's flattened root, on this machine and without a daemon, under strace, and"
          + " write every image path the process tree opened, executed, stat'ed or read through a symlink.",
      "The command gets the image's Env, WorkingDir and User, and no network unless --network host. As root it"
          + " runs in a new mount and PID namespace with chroot; as a user, in a user namespace where the kernel"
          + " allows it. Give the traces to analyze --trace and squash --trace."
    })
final class TraceCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "IMAGE", description = "input image, as squash takes it")
  @Nullable String input;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "CMD",
      description = "the command and its arguments (after --)")
  List<String> command = new ArrayList<>();

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "FILE",
      description = "where the trace goes (JSON)")
  @Nullable Path output;

  @Option(names = "--network", paramLabel = "MODE", description = "none (default) or host")
  String network = "none";

  @Option(
      names = "--temp-dir",
      paramLabel = "DIR",
      description = "where the image is unpacked (default: system temp)")
  @Nullable Path tempDir;

  @Mixin ImageChoice image = new ImageChoice();

  @Mixin RegistryFlags registry = new RegistryFlags();

  @Spec @Nullable CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!network.equals("none") && !network.equals("host")) {
      throw new ParameterException(
          commandLine(), "--network must be none or host, not '" + network + "'");
    }
    ImageLocation in;
    ImageSelector selector;
    try {
      in = ImageLocation.parse(input());
      selector = in.selector(image.ref, image.platform);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(commandLine(), e.getMessage());
    }
    OutputFiles.check("-o", output());
    TempFiles tempFiles = new TempFiles();
    Path base = tempDir != null ? tempDir : Path.of(System.getProperty("java.io.tmpdir"));
    Path work = Files.createTempDirectory(base, "ocisquash-trace-");
    tempFiles.register(work);
    Thread hook = new Thread(() -> removeTree(work), "ocisquash-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      boolean chown = "root".equals(System.getProperty("user.name"));
      ObjectNode config =
          RootfsUnpacker.unpack(in.target(), selector, registry.options(), work, chown);
      Path rootfs = work.resolve("rootfs");
      ImageRuntime rt =
          ImageRuntime.of(config, readEtc(rootfs, "passwd"), readEtc(rootfs, "group"));
      TraceRunner.Run run = TraceRunner.run(rootfs, rt, command, network.equals("host"), work);
      OutputFiles files = new OutputFiles(tempFiles);
      try {
        try (OutputStream out = Files.newOutputStream(files.stage(output()))) {
          Json.writeForPeople(out, run.trace().toJson());
        }
        files.commit();
      } finally {
        files.abort();
      }
      System.err.println(
          "ocisquash: traced "
              + run.calls()
              + " system calls; "
              + run.trace().paths().size()
              + " image paths touched; written to "
              + output());
      if (run.exitCode() != 0) {
        System.err.println(
            "ocisquash: the traced command exited with status "
                + run.exitCode()
                + "; its trace is written anyway");
        return 1;
      }
      return 0;
    } finally {
      removeTree(work);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs the cleanup
      }
    }
  }

  // picocli injects @Spec and sets the required IMAGE and -o before it calls call(); the fields
  // are null only on an instance picocli has not parsed into.

  private CommandLine commandLine() {
    return Objects.requireNonNull(spec, "picocli injects @Spec").commandLine();
  }

  private String input() {
    return Objects.requireNonNull(input, "picocli sets the required IMAGE");
  }

  private Path output() {
    return Objects.requireNonNull(output, "picocli sets the required -o");
  }

  /**
   * The image's /etc file, read only when it is a plain file (a symlink could point at the host's).
   */
  private static String readEtc(Path rootfs, String name) throws IOException {
    Path p = rootfs.resolve("etc").resolve(name);
    if (Files.isSymbolicLink(rootfs.resolve("etc"))
        || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      return "";
    }
    return Files.readString(p, StandardCharsets.ISO_8859_1);
  }

  /**
   * Deletes the unpacked root, making read-only directories writable first (a user owns them but
   * may not write).
   */
  private static void removeTree(Path work) {
    try (var walk = Files.walk(work)) {
      walk.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
          .forEach(p -> p.toFile().setWritable(true, true));
    } catch (IOException | RuntimeException e) {
      // best effort; the delete below reports nothing either
    }
    try {
      TempFiles.deleteRecursively(work);
    } catch (IOException e) {
      System.err.println("ocisquash: could not remove " + work + ": " + e.getMessage());
    }
  }
}
