/**
 * Image stripping (issue 4): deciding which paths of a flattened image tree to leave out, with presets, globs and
 * safety checks. Entry point: {@link dev.ocisquash.strip.Stripper#plan}; rules: {@link
 * dev.ocisquash.strip.StripRules}; presets: {@link dev.ocisquash.strip.Presets}; matcher design: {@link
 * dev.ocisquash.strip.RuleMatcher}. Pure logic over {@link dev.ocisquash.strip.FileTree}; no host file access.
 */
package dev.ocisquash.strip;
