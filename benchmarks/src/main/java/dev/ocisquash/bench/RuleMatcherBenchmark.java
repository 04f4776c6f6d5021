package dev.ocisquash.bench;

import dev.ocisquash.strip.RuleMatcher;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost per path of the compiled strip matcher as the number of rules grows (should stay flat),
 * against the JDK's glob {@link PathMatcher}, one per rule, the library alternative
 * (docs/performance.md). Score is time per 20 000 paths.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RuleMatcherBenchmark {
  @Param({"10", "1000"})
  public int rules;

  private RuleMatcher matcher;
  private PathMatcher[] jdk;
  private Path[] asPaths;
  private String[] paths;

  /** Builds the rules and a path set typical of a Python image. */
  @Setup
  public void setup() {
    List<String> globs =
        new ArrayList<>(List.of("**/share/doc", "**/__pycache__", "**/*.pyc", "**/LICENSE*"));
    for (int i = globs.size(); i < rules; i++) {
      globs.add(i % 2 == 0 ? "/opt/app" + i + "/**/*.log" : "**/cache" + i);
    }
    matcher = RuleMatcher.compile(globs);
    jdk = new PathMatcher[globs.size()];
    for (int i = 0; i < jdk.length; i++) {
      jdk[i] = FileSystems.getDefault().getPathMatcher("glob:" + globs.get(i));
    }
    paths = new String[20_000];
    for (int i = 0; i < paths.length; i++) {
      paths[i] =
          "/opt/conda/lib/python3.12/site-packages/pkg"
              + (i % 500)
              + "/sub"
              + (i % 7)
              + "/mod"
              + i
              + ".py";
    }
    asPaths = new Path[paths.length];
    for (int i = 0; i < paths.length; i++) {
      asPaths[i] = Path.of(paths[i]);
    }
  }

  /** Matches every path once. */
  @Benchmark
  public int matchAll() {
    int hits = 0;
    for (String p : paths) {
      hits += matcher.matchAll(p).cardinality();
    }
    return hits;
  }

  /** Every path against every rule with the JDK's glob matchers, counting the rules that match. */
  @Benchmark
  public int jdkPathMatchers() {
    int hits = 0;
    for (Path p : asPaths) {
      for (PathMatcher m : jdk) {
        if (m.matches(p)) {
          hits++;
        }
      }
    }
    return hits;
  }
}
