/**
 * What an application touches, and which packages it therefore needs (docs/trace.md). Owns: the
 * strace log parser ({@link dev.ocisquash.trace.StraceLog}, over {@code StraceLines} and {@code
 * StraceCall}; pure), the resolution of logged paths through the image's symlinks ({@link
 * dev.ocisquash.trace.PathResolver} over a {@link dev.ocisquash.trace.TraceRoot}: the flattened
 * tree or {@link dev.ocisquash.trace.DirectoryRoot}), the versioned trace file ({@link
 * dev.ocisquash.trace.Trace}, read with {@link dev.ocisquash.trace.TraceFiles}, which also takes
 * raw strace logs), the per-package verdict ({@link dev.ocisquash.trace.PackageUsage}, with the
 * update-alternatives links of {@link dev.ocisquash.trace.DpkgAlternatives}; pure over a FileTree,
 * built on {@code dev.ocisquash.packages}), and, apart from the pure parts, the runner: {@link
 * dev.ocisquash.trace.RootfsUnpacker} (flatten and unpack an image into a directory), {@link
 * dev.ocisquash.trace.ImageRuntime} (Env, WorkingDir, User), {@link dev.ocisquash.trace.Isolation}
 * (which namespaces) and {@link dev.ocisquash.trace.TraceRunner} (unshare, chroot, strace). Start
 * at {@link dev.ocisquash.trace.TraceRunner#run} for tracing and {@link
 * dev.ocisquash.trace.PackageUsage#of} for the decision.
 */
@NullMarked
package dev.ocisquash.trace;

import org.jspecify.annotations.NullMarked;
