/**
 * Installed packages and their removal: what the package databases in an image tree say is
 * installed (dpkg, apk, conda, pip, npm), which files each owns, what each depends on, and the pure
 * plan of removing packages by name ({@link dev.ocisquash.packages.PackageRemoval#plan}): the paths
 * that go, the database files rewritten so they tell the truth, and the refusals that name the kept
 * packages that depend on a removed one. Start at {@link dev.ocisquash.packages.Installed#read}.
 * One parser per database format lives here ({@code DpkgReader}, {@code ApkReader}, {@code
 * CondaReader}, {@code PipReader}, {@code NpmReader}); re-layering claims files through them. Pure
 * logic over a {@link dev.ocisquash.strip.FileTree}; the squash writes the rewritten bytes.
 */
@NullMarked
package dev.ocisquash.packages;

import org.jspecify.annotations.NullMarked;
