package dev.ocisquash.packages;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One {@code --remove-package} selector: {@code [dpkg:|apk:|conda:|pip:|npm:]NAME}, NAME a glob
 * ({@code *}, {@code ?}, {@code [...]}) over whole names. A dpkg selector also matches {@code
 * name:arch}; a pip one matches the normalised name (PEP 503); an npm one also matches the package
 * directory.
 */
record PackageSelector(String text, @Nullable Ecosystem ecosystem, Pattern name) {
  /**
   * Parses a selector.
   *
   * @throws ImageException when the name is empty or the glob malformed
   */
  static PackageSelector parse(String text) throws ImageException {
    Ecosystem eco = null;
    String name = text;
    int colon = text.indexOf(':');
    if (colon > 0 && Ecosystem.ofPrefix(text.substring(0, colon)) != null) {
      eco = Ecosystem.ofPrefix(text.substring(0, colon));
      name = text.substring(colon + 1);
    }
    if (name.isEmpty()) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT, "--remove-package " + text + ": no package name");
    }
    if (eco == Ecosystem.PIP) {
      name = PipReader.normalise(name);
    }
    return new PackageSelector(text, eco, glob(text, name));
  }

  /** Whether this selector picks the package. */
  boolean matches(InstalledPackage p) {
    if (ecosystem != null && p.ecosystem() != ecosystem) {
      return false;
    }
    if (p.essential() && NpmReader.ROOT_PROTECTION.equals(p.protection())) {
      return false; // a project root is no package to name
    }
    return name.matcher(p.name()).matches()
        || ((p.ecosystem() == Ecosystem.DPKG || p.ecosystem() == Ecosystem.NPM)
            && name.matcher(p.key()).matches());
  }

  private static Pattern glob(String text, String g) throws ImageException {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < g.length(); i++) {
      char c = g.charAt(i);
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        case '[' -> {
          int end = g.indexOf(']', i + 2);
          if (end < 0) {
            throw new ImageException(
                Kind.INVALID_ARGUMENT, "--remove-package " + text + ": unclosed [ in the name");
          }
          String set = g.substring(i + 1, end);
          re.append('[')
              .append(set.startsWith("!") ? "^" + quoteSet(set.substring(1)) : quoteSet(set))
              .append(']');
          i = end;
        }
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString());
  }

  private static String quoteSet(String set) {
    return set.replace("\\", "\\\\").replace("[", "\\[").replace("&", "\\&").replace("^", "\\^");
  }

  /** Parses selectors in order. */
  static List<PackageSelector> parseAll(List<String> texts) throws ImageException {
    List<PackageSelector> out = new ArrayList<>();
    for (String t : texts) {
      out.add(parse(t));
    }
    return out;
  }
}
