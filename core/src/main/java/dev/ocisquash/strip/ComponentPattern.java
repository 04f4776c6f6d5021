package dev.ocisquash.strip;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A glob for one path component: literal characters, {@code ?}, {@code *} and classes {@code
 * [a-z]}, {@code [!x]} (also {@code [^x]}). Matching never crosses a {@code /} because components
 * contain none.
 */
final class ComponentPattern {
  private static final int LIT = 0;
  private static final int ONE = 1;
  private static final int STAR = 2;
  private static final int CLASS = 3;

  /** Shapes that the matcher can index without trying the pattern. */
  enum Shape {
    LITERAL,
    /** {@code *} alone: any component. */
    ANY,
    /** {@code abc*}. */
    PREFIX,
    /** {@code *abc}. */
    SUFFIX,
    GENERAL
  }

  private final int[] kinds;
  private final char[] chars;
  private final List<char[]> classes;
  private final boolean[] negated;
  private final Shape shape;
  private final @Nullable String fixed;

  private ComponentPattern(int[] kinds, char[] chars, List<char[]> classes, boolean[] negated) {
    this.kinds = kinds;
    this.chars = chars;
    this.classes = classes;
    this.negated = negated;
    int stars = 0;
    boolean other = false;
    for (int k : kinds) {
      if (k == STAR) {
        stars++;
      } else if (k != LIT) {
        other = true;
      }
    }
    int n = kinds.length;
    if (stars == 0 && !other) {
      shape = Shape.LITERAL;
      fixed = new String(chars);
    } else if (!other && stars == 1 && n == 1) {
      shape = Shape.ANY;
      fixed = "";
    } else if (!other && stars == 1 && kinds[n - 1] == STAR) {
      shape = Shape.PREFIX;
      fixed = new String(chars, 0, n - 1);
    } else if (!other && stars == 1 && kinds[0] == STAR) {
      shape = Shape.SUFFIX;
      fixed = new String(chars, 1, n - 1);
    } else {
      shape = Shape.GENERAL;
      fixed = null;
    }
  }

  static ComponentPattern compile(String comp, String glob) {
    List<Integer> k = new ArrayList<>();
    StringBuilder ch = new StringBuilder();
    List<char[]> cls = new ArrayList<>();
    List<Boolean> neg = new ArrayList<>();
    for (int i = 0; i < comp.length(); i++) {
      char c = comp.charAt(i);
      if (c == '\\' && i + 1 < comp.length()) {
        k.add(LIT);
        ch.append(comp.charAt(++i));
        cls.add(null);
        neg.add(false);
      } else if (c == '?') {
        k.add(ONE);
        ch.append('\0');
        cls.add(null);
        neg.add(false);
      } else if (c == '*') {
        if (!k.isEmpty() && k.get(k.size() - 1) == STAR) {
          continue;
        }
        k.add(STAR);
        ch.append('\0');
        cls.add(null);
        neg.add(false);
      } else if (c == '[') {
        int j = i + 1;
        boolean n = false;
        if (j < comp.length() && (comp.charAt(j) == '!' || comp.charAt(j) == '^')) {
          n = true;
          j++;
        }
        StringBuilder ranges = new StringBuilder();
        boolean first = true;
        while (j < comp.length() && (comp.charAt(j) != ']' || first)) {
          char a = comp.charAt(j);
          if (a == '\\' && j + 1 < comp.length()) {
            a = comp.charAt(++j);
          }
          char b = a;
          if (j + 2 < comp.length() && comp.charAt(j + 1) == '-' && comp.charAt(j + 2) != ']') {
            b = comp.charAt(j + 2);
            j += 2;
          }
          if (b < a) {
            throw new IllegalArgumentException(
                "glob '" + glob + "' has a reversed range " + a + "-" + b);
          }
          ranges.append(a).append(b);
          j++;
          first = false;
        }
        if (j >= comp.length()) {
          throw new IllegalArgumentException("glob '" + glob + "' has an unclosed '['");
        }
        k.add(CLASS);
        ch.append('\0');
        cls.add(ranges.toString().toCharArray());
        neg.add(n);
        i = j;
      } else {
        k.add(LIT);
        ch.append(c);
        cls.add(null);
        neg.add(false);
      }
    }
    int[] kinds = k.stream().mapToInt(Integer::intValue).toArray();
    boolean[] negated = new boolean[neg.size()];
    for (int i = 0; i < negated.length; i++) {
      negated[i] = neg.get(i);
    }
    return new ComponentPattern(kinds, ch.toString().toCharArray(), cls, negated);
  }

  boolean isLiteral() {
    return shape == Shape.LITERAL;
  }

  @Nullable String literal() {
    return fixed;
  }

  Shape shape() {
    return shape;
  }

  /** The literal prefix (PREFIX) or suffix (SUFFIX) part. */
  @Nullable String fixedPart() {
    return fixed;
  }

  private boolean one(int p, char c) {
    switch (kinds[p]) {
      case LIT:
        return chars[p] == c;
      case ONE:
        return true;
      case CLASS:
        char[] r = classes.get(p);
        boolean in = false;
        for (int i = 0; i < r.length; i += 2) {
          if (c >= r[i] && c <= r[i + 1]) {
            in = true;
            break;
          }
        }
        return in != negated[p];
      default:
        return false;
    }
  }

  /** Whether the component matches (linear-time star backtracking, one saved point). */
  boolean matches(String s) {
    int p = 0;
    int i = 0;
    int starP = -1;
    int starI = -1;
    int n = kinds.length;
    while (i < s.length()) {
      if (p < n && kinds[p] == STAR) {
        starP = p++;
        starI = i;
      } else if (p < n && one(p, s.charAt(i))) {
        p++;
        i++;
      } else if (starP >= 0) {
        p = starP + 1;
        i = ++starI;
      } else {
        return false;
      }
    }
    while (p < n && kinds[p] == STAR) {
      p++;
    }
    return p == n;
  }
}
