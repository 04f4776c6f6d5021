package dev.ocisquash.trace;

import dev.ocisquash.strip.ElfInfo;
import dev.ocisquash.strip.SeekableContent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Turns the paths a log names into the paths of the image they touched: each path is walked one
 * component at a time against a {@link TraceRoot}, as the kernel would inside the container: {@code
 * ..} and {@code .} are applied in order, every symlink on the way is recorded and followed (at
 * most 40, like the kernel's ELOOP limit), and the path it ends at is recorded when it exists. A
 * final symlink is always followed, even for {@code lstat} or {@code readlink}: that keeps more,
 * never less. A path that does not exist records only the symlinks it passed.
 *
 * <p>An executed file also touches what the kernel opens for it without a system call that strace
 * could show: the ELF program interpreter ({@code PT_INTERP}, e.g. {@code
 * /lib64/ld-linux-x86-64.so.2}) and a script's {@code #!} interpreter; both are added and resolved
 * the same way.
 */
public final class PathResolver {
  private static final int MAX_LINKS = 40;
  private static final int MAX_INTERPRETERS = 4;

  private final TraceRoot root;

  /**
   * @param root the image tree to resolve against
   */
  public PathResolver(TraceRoot root) {
    this.root = root;
  }

  /**
   * Resolves everything a log named.
   *
   * @return the image paths touched, sorted
   */
  public SortedSet<String> touched(StraceLog.Result log) throws IOException {
    SortedSet<String> out = new TreeSet<>();
    for (String p : log.paths()) {
      resolve(p, out);
    }
    for (String e : log.executed()) {
      String file = resolve(e, out);
      for (int depth = 0; file != null && depth < MAX_INTERPRETERS; depth++) {
        String interp = interpreter(file);
        file = interp == null ? null : resolve(interp, out);
      }
    }
    return out;
  }

  /**
   * Resolves one absolute path, adding the symlinks passed and the final path to {@code into}.
   *
   * @return the final path when it exists, else null
   */
  public @Nullable String resolve(String path, Set<String> into) throws IOException {
    Deque<String> todo = new ArrayDeque<>();
    push(todo, path);
    String current = "/";
    int links = 0;
    while (!todo.isEmpty()) {
      String c = todo.pop();
      if (c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        current = parent(current);
        continue;
      }
      String next = current.equals("/") ? "/" + c : current + "/" + c;
      TraceRoot.Node n = root.lookup(next);
      if (n == null) {
        return null;
      }
      if (n.linkTarget() != null) {
        into.add(next);
        if (++links > MAX_LINKS) {
          return null;
        }
        String target = n.linkTarget();
        push(todo, target);
        if (target.startsWith("/")) {
          current = "/";
        }
        continue;
      }
      if (!n.directory() && !todo.isEmpty()) {
        return null; // ENOTDIR
      }
      current = next;
    }
    into.add(current);
    return current;
  }

  private static void push(Deque<String> todo, String path) {
    String[] parts = path.split("/", -1);
    for (int i = parts.length - 1; i >= 0; i--) {
      if (!parts[i].isEmpty()) {
        todo.push(parts[i]);
      }
    }
  }

  private static String parent(String p) {
    int slash = p.lastIndexOf('/');
    return slash <= 0 ? "/" : p.substring(0, slash);
  }

  /**
   * The interpreter the kernel loads for an executed file: {@code #!} line or ELF PT_INTERP; null
   * if none.
   */
  @Nullable String interpreter(String file) throws IOException {
    try (SeekableContent in = root.open(file)) {
      if (in == null) {
        return null;
      }
      byte[] head = new byte[256];
      int n = in.readFully(0, head, 0, head.length);
      if (n > 2 && head[0] == '#' && head[1] == '!') {
        String line = new String(head, 2, n - 2, StandardCharsets.UTF_8);
        int nl = line.indexOf('\n');
        String first = (nl < 0 ? line : line.substring(0, nl)).strip().split("[ \t]+", 2)[0];
        return first.startsWith("/") ? first : null;
      }
      if (ElfInfo.isElf(head, n)) {
        try {
          ElfInfo elf = ElfInfo.read(in);
          return elf == null ? null : elf.interpreter();
        } catch (IOException | RuntimeException e) {
          return null; // a damaged ELF file loads nothing we could name
        }
      }
      return null;
    }
  }
}
