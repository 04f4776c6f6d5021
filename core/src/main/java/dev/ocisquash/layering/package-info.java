/**
 * Re-layering: splitting a squashed tree into several layers that releases of an image share. Files
 * are grouped by what owns them (dpkg, apk, Python, conda and npm databases, big files), and groups
 * are placed into layers by a rule that depends only on each group's own name and size class, never
 * on the sizes of unrelated groups. Pure decisions over a {@link dev.ocisquash.strip.FileTree}; no
 * image I/O.
 */
@NullMarked
package dev.ocisquash.layering;

import org.jspecify.annotations.NullMarked;
