package dev.ocisquash.strip;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * All globs of a strip run compiled once into one automaton over path components.
 *
 * <p><b>Approach.</b> Each glob is a chain of NFA states, one per component ({@code **} is a state
 * with a self loop and an epsilon edge to the next). The NFA is determinised lazily: a DFA state is
 * the epsilon-closed set of NFA states, interned, so a path is matched by one transition per
 * component. Within a DFA state the outgoing edges are indexed by shape: literal components in one
 * hash map, {@code abc*} by prefix and {@code *abc} by suffix in maps keyed per distinct fixed
 * length, {@code *} and {@code **} as unconditional edges, and only patterns with {@code ?},
 * classes or several stars are tried one by one. So a transition costs one hash lookup per distinct
 * prefix/suffix length plus the few general patterns, not one test per rule; transitions already
 * taken are cached per state (up to {@value #CACHE_LIMIT} component names each). Per path the cost
 * is O(path length).
 *
 * <p>Each glob carries an int tag; {@link #accepts} gives the tags of the globs that match exactly
 * at a state. Whether a path matches "itself or through an ancestor" (subtree semantics) is up to
 * the caller, who ORs the tags along the path; {@link #matchAll} does that for one path.
 *
 * <p>Not thread-safe: the lazy DFA is built while matching.
 */
public final class RuleMatcher {
  static final int CACHE_LIMIT = 4096;

  private final List<Glob.Segment> seg = new ArrayList<>();

  /** For each NFA state: its glob's tag, or -1 when it is not accepting. */
  private final List<Integer> acceptTag = new ArrayList<>();

  /** For each NFA state: the epsilon closure (sorted). */
  private int[][] closure;

  private final Map<Key, State> interned = new HashMap<>();
  private final State start;
  private final int globCount;

  /** One DFA state. Obtain from {@link #start()} and {@link #step}. */
  public static final class State {
    final int[] nfa;
    final int[] accepts;

    /** The state's segments by kind, built on the first step out of it. */
    @Nullable Transitions transitions;

    final HashMap<String, State> cache = new HashMap<>();
    @Nullable State anyOther;

    State(int[] nfa, int[] accepts) {
      this.nfa = nfa;
      this.accepts = accepts;
    }

    /** Whether no glob can match this path or anything below it any more. */
    public boolean isDead() {
      return nfa.length == 0;
    }
  }

  /**
   * A state's segments indexed for {@link #step}: literal names, fixed prefixes and suffixes by
   * length, those that match any name ({@code always}), and the general patterns with their
   * targets.
   */
  @SuppressWarnings("ArrayRecordComponent") // a state's lookup tables; never compared
  private record Transitions(
      Map<String, int[]> literal,
      TreeMap<Integer, Map<String, int[]>> prefix,
      TreeMap<Integer, Map<String, int[]>> suffix,
      int[] always,
      List<ComponentPattern> generalPattern,
      List<Integer> generalTarget) {}

  private static final class Key {
    final int[] a;
    final int h;

    Key(int[] a) {
      this.a = a;
      this.h = Arrays.hashCode(a);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && h == k.h && Arrays.equals(a, k.a);
    }

    @Override
    public int hashCode() {
      return h;
    }
  }

  private RuleMatcher(List<String> globs, List<Integer> tags) {
    List<Integer> starts = new ArrayList<>();
    int g = 0;
    for (int i = 0; i < globs.size(); i++) {
      for (Glob glob : Glob.parse(globs.get(i))) {
        starts.add(seg.size());
        for (Glob.Segment s : glob.segments) {
          seg.add(s);
          acceptTag.add(-1);
        }
        seg.add(null);
        acceptTag.add(tags.get(i));
        g++;
      }
    }
    globCount = g;
    int n = seg.size();
    closure = new int[n][];
    for (int s = n - 1; s >= 0; s--) {
      Glob.Segment sg = seg.get(s);
      if (sg != null && sg.kind == Glob.Segment.Kind.DOUBLESTAR) {
        int[] next = closure[s + 1];
        int[] c = new int[next.length + 1];
        c[0] = s;
        System.arraycopy(next, 0, c, 1, next.length);
        closure[s] = c;
      } else {
        closure[s] = new int[] {s};
      }
    }
    start = intern(closeAll(starts.stream().mapToInt(Integer::intValue).toArray()));
  }

  /** Compiles globs; glob {@code i} gets tag {@code i}. */
  public static RuleMatcher compile(List<String> globs) {
    List<Integer> tags = new ArrayList<>();
    for (int i = 0; i < globs.size(); i++) {
      tags.add(i);
    }
    return new RuleMatcher(globs, tags);
  }

  /**
   * Compiles globs with caller-chosen tags (several globs may share a tag).
   *
   * @throws IllegalArgumentException when a glob is malformed
   */
  public static RuleMatcher compile(List<String> globs, List<Integer> tags) {
    if (globs.size() != tags.size()) {
      throw new IllegalArgumentException("globs and tags differ in length");
    }
    return new RuleMatcher(globs, tags);
  }

  /** The state for the root directory "/". */
  public State start() {
    return start;
  }

  /** Number of globs after brace expansion. */
  int globCount() {
    return globCount;
  }

  /**
   * The tags of the globs that match exactly the path that led to this state (sorted, distinct).
   */
  public int[] accepts(State s) {
    return s.accepts;
  }

  /** The state after one more path component. */
  public State step(State s, String component) {
    if (s.nfa.length == 0) {
      return s;
    }
    State c = s.cache.get(component);
    if (c != null) {
      return c;
    }
    Transitions tr = s.transitions;
    if (tr == null) {
      tr = index(s);
      s.transitions = tr;
    }
    int[] buf = new int[8];
    int n = 0;
    int[] lit = tr.literal().get(component);
    if (lit != null) {
      for (int t : lit) {
        buf = grow(buf, n);
        buf[n++] = t;
      }
    }
    int len = component.length();
    for (Map.Entry<Integer, Map<String, int[]>> e : tr.prefix().entrySet()) {
      int k = e.getKey();
      if (k > len) {
        break;
      }
      int[] hit = e.getValue().get(component.substring(0, k));
      if (hit != null) {
        for (int t : hit) {
          buf = grow(buf, n);
          buf[n++] = t;
        }
      }
    }
    for (Map.Entry<Integer, Map<String, int[]>> e : tr.suffix().entrySet()) {
      int k = e.getKey();
      if (k > len) {
        break;
      }
      int[] hit = e.getValue().get(component.substring(len - k));
      if (hit != null) {
        for (int t : hit) {
          buf = grow(buf, n);
          buf[n++] = t;
        }
      }
    }
    for (int i = 0; i < tr.generalPattern().size(); i++) {
      if (tr.generalPattern().get(i).matches(component)) {
        buf = grow(buf, n);
        buf[n++] = tr.generalTarget().get(i);
      }
    }
    State next;
    if (n == 0) {
      next = s.anyOther;
      if (next == null) {
        next = intern(closeAll(tr.always()));
        s.anyOther = next;
      }
    } else {
      int[] always = tr.always();
      int[] all = Arrays.copyOf(always, always.length + n);
      System.arraycopy(buf, 0, all, always.length, n);
      next = intern(closeAll(all));
    }
    if (s.cache.size() < CACHE_LIMIT) {
      s.cache.put(component, next);
    }
    return next;
  }

  /**
   * The tags of every glob that matches the path or one of its ancestors, as a bit set.
   *
   * @param path an absolute path
   */
  public BitSet matchAll(String path) {
    BitSet out = new BitSet();
    State s = start;
    for (int t : s.accepts) {
      out.set(t);
    }
    int i = 1;
    int n = path.length();
    while (i < n && !s.isDead()) {
      int j = path.indexOf('/', i);
      if (j < 0) {
        j = n;
      }
      if (j > i) {
        s = step(s, path.substring(i, j));
        for (int t : s.accepts) {
          out.set(t);
        }
      }
      i = j + 1;
    }
    return out;
  }

  private static int[] grow(int[] b, int n) {
    return n < b.length ? b : Arrays.copyOf(b, b.length * 2);
  }

  private int[] closeAll(int[] states) {
    int total = 0;
    for (int s : states) {
      total += closure[s].length;
    }
    int[] out = new int[total];
    int k = 0;
    for (int s : states) {
      for (int t : closure[s]) {
        out[k++] = t;
      }
    }
    Arrays.sort(out);
    int m = 0;
    for (int i = 0; i < out.length; i++) {
      if (m == 0 || out[m - 1] != out[i]) {
        out[m++] = out[i];
      }
    }
    return Arrays.copyOf(out, m);
  }

  private State intern(int[] nfa) {
    Key key = new Key(nfa);
    State s = interned.get(key);
    if (s == null) {
      BitSet acc = new BitSet();
      for (int x : nfa) {
        int t = acceptTag.get(x);
        if (t >= 0) {
          acc.set(t);
        }
      }
      s = new State(nfa, acc.stream().toArray());
      interned.put(key, s);
    }
    return s;
  }

  private Transitions index(State s) {
    Map<String, List<Integer>> lit = new HashMap<>();
    TreeMap<Integer, Map<String, List<Integer>>> pre = new TreeMap<>();
    TreeMap<Integer, Map<String, List<Integer>>> suf = new TreeMap<>();
    List<Integer> always = new ArrayList<>();
    List<ComponentPattern> gp = new ArrayList<>();
    List<Integer> gt = new ArrayList<>();
    for (int x : s.nfa) {
      Glob.Segment sg = seg.get(x);
      if (sg == null) {
        continue;
      }
      switch (sg.kind) {
        case LITERAL:
          lit.computeIfAbsent(sg.literal, k -> new ArrayList<>()).add(x + 1);
          break;
        case DOUBLESTAR:
          always.add(x);
          break;
        default:
          ComponentPattern p = Objects.requireNonNull(sg.pattern, "pattern segment");
          switch (p.shape()) {
            case ANY:
              always.add(x + 1);
              break;
            case PREFIX:
              String prefix = Objects.requireNonNull(p.fixedPart(), "prefix");
              pre.computeIfAbsent(prefix.length(), k -> new HashMap<>())
                  .computeIfAbsent(prefix, k -> new ArrayList<>())
                  .add(x + 1);
              break;
            case SUFFIX:
              String suffix = Objects.requireNonNull(p.fixedPart(), "suffix");
              suf.computeIfAbsent(suffix.length(), k -> new HashMap<>())
                  .computeIfAbsent(suffix, k -> new ArrayList<>())
                  .add(x + 1);
              break;
            default:
              gp.add(p);
              gt.add(x + 1);
          }
      }
    }
    Map<String, int[]> literal = new HashMap<>();
    lit.forEach((k, v) -> literal.put(k, toArray(v)));
    return new Transitions(literal, freeze(pre), freeze(suf), toArray(always), gp, gt);
  }

  private static TreeMap<Integer, Map<String, int[]>> freeze(
      TreeMap<Integer, Map<String, List<Integer>>> m) {
    TreeMap<Integer, Map<String, int[]>> out = new TreeMap<>();
    m.forEach(
        (k, v) -> {
          Map<String, int[]> mm = new HashMap<>();
          v.forEach((kk, vv) -> mm.put(kk, toArray(vv)));
          out.put(k, mm);
        });
    return out;
  }

  private static int[] toArray(List<Integer> l) {
    return l.stream().mapToInt(Integer::intValue).toArray();
  }
}
