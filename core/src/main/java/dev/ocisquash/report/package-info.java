/**
 * {@code analyze}: where an image's bytes go (per layer, wasted by later layers, what strip presets
 * would remove, duplicates, re-pull estimates), rendered as text, JSON and a self-contained HTML
 * page.
 *
 * <p>Reads images through {@code archive} and the squash planner; never writes an image.
 *
 * <p>Start with {@link dev.ocisquash.report.Analyzer} and {@link
 * dev.ocisquash.report.ImageAnalysis} (what is computed), then {@code TextReport}, {@code
 * JsonReport} and {@code HtmlReport}.
 */
@NullMarked
package dev.ocisquash.report;

import org.jspecify.annotations.NullMarked;
