package dev.ocisquash.squash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ocisquash.tar.TarEntry;
import java.util.List;
import java.util.Random;

/**
 * Coverage-guided version of {@link SquashPlannerPropertyTest}: the fuzzer drives the same random
 * stack generator (through a {@link Random} whose bits come from the fuzz input), and the planner
 * must agree with the naive {@link ReferenceApplier} on every stack the reference accepts.
 */
class PlannerFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void plannerMatchesReference(FuzzedDataProvider data) throws Exception {
    Random rnd =
        new Random(0) {
          private static final long serialVersionUID = 1L;

          @Override
          protected int next(int bits) {
            // Exhausted input gives zeros: every stack is finite.
            return data.consumeInt() >>> (32 - bits);
          }
        };
    List<List<TarEntry>> layers = SquashPlannerPropertyTest.randomStack(rnd);
    ReferenceApplier ref = new ReferenceApplier();
    try {
      for (int i = 0; i < layers.size(); i++) {
        ref.apply(i, layers.get(i));
      }
    } catch (IllegalStateException invalidStack) {
      return; // a link to a missing target: the reference refuses, the planner's refusal is tested
      // elsewhere
    }
    assertEquals(
        SquashPlannerPropertyTest.describeReference(ref),
        SquashPlannerPropertyTest.describePlanner(layers),
        "stack:\n" + SquashPlannerPropertyTest.dump(layers));
  }
}
