package dev.ocisquash.squash;

import java.io.IOException;

/**
 * One step of a squash, in the shape of Jib-core's build steps
 * (jib-core/src/main/java/com/google/cloud/tools/jib/ builder/steps/StepsRunner.java,
 * GoogleContainerTools/jib 9b49d10496779ed16330c2687ebdd4ddda0a91a4): an object constructed with
 * everything it needs, with one entry point that returns what it hands on. {@link Squasher} runs
 * the steps in order.
 *
 * @param <T> what the step hands on
 */
@FunctionalInterface
interface SquashStep<T> {
  /** Runs the step once. */
  T run() throws IOException;
}
