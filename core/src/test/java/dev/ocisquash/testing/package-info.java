/**
 * Helpers shared by the test sources of core and, through core's test-jar, the CLI's: {@link
 * dev.ocisquash.testing.Proc} runs every other process a test needs, {@link
 * dev.ocisquash.testing.RawTar} is the one tar helper, {@link dev.ocisquash.testing.ScriptedServer}
 * is an HTTP server scripted byte for byte, {@link dev.ocisquash.testing.TestData} finds the
 * repository's test data.
 */
package dev.ocisquash.testing;
