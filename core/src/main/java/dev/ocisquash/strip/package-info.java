/**
 * Image stripping: deciding which paths of a flattened image tree to leave out, with presets, globs and
 * safety checks. Entry point: {@link dev.ocisquash.strip.Stripper#plan}; rules: {@link
 * dev.ocisquash.strip.StripRules}; presets: {@link dev.ocisquash.strip.Presets}; matcher design: {@link
 * dev.ocisquash.strip.RuleMatcher}. Pure logic over {@link dev.ocisquash.strip.FileTree}; no host file access.
 * The safety checks (symlinks, shared libraries, interpreters, Python imports) each have a class of their own and
 * run to a fixpoint over one table of decisions; library lookup is {@code LibraryResolver}.
 */
@NullMarked
package dev.ocisquash.strip;

import org.jspecify.annotations.NullMarked;
