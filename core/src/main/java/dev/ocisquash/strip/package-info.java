/**
 * Image stripping: deciding which paths of a flattened image tree to leave out, with presets, globs
 * and safety checks. Entry point: {@link dev.ocisquash.strip.Stripper#plan}; rules: {@link
 * dev.ocisquash.strip.StripRules}; presets: {@link dev.ocisquash.strip.Presets}; matcher design:
 * {@link dev.ocisquash.strip.RuleMatcher}. Pure logic over {@link dev.ocisquash.strip.FileTree}; no
 * host file access. The safety checks (symlinks, shared libraries, interpreters, Python imports)
 * each have a class of their own and run to a fixpoint over one table of decisions; library lookup
 * is {@code LibraryResolver}.
 *
 * <p>A {@code SafetyCheck} is a class named {@code *Check}: {@code SymlinkCheck}, {@code
 * ExecutableCheck} and {@code PythonImportCheck}. {@code ExecutableCheck} reads each kept file's
 * head once and hands ELF files to {@code ElfDependencies} and scripts to {@code
 * ShebangDependencies}, which keep what they load or run; {@code HardlinkAccounting} decides
 * nothing and only works out what each removed node frees.
 *
 * <p>The tree types ({@link dev.ocisquash.strip.FileTree}, {@link
 * dev.ocisquash.strip.IndexedFileTree}, {@link dev.ocisquash.strip.TreeNode}, {@code ImageIndex},
 * and the builders in {@code squash} and {@code report}) are told apart in docs/design.md, section
 * "The trees".
 */
@NullMarked
package dev.ocisquash.strip;

import org.jspecify.annotations.NullMarked;
