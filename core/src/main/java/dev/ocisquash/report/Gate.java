package dev.ocisquash.report;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CI gate over an {@link ImageAnalysis}, such as {@code wasted>100MB}, {@code size>1GB} or {@code
 * efficiency<0.9}. The gate "trips" when the comparison is true.
 *
 * <p>Metrics: {@code wasted} ({@link ImageAnalysis#wastedBytes()}), {@code size} (final content
 * bytes, {@link ImageAnalysis#finalContentBytes()}), {@code compressed} (sum of the input blob
 * sizes), {@code squashed} (the squashed layer's uncompressed tar bytes), {@code duplicates}
 * (repeated bytes; turns on the duplicate search), {@code efficiency} (a ratio, also accepted as a
 * percentage such as {@code 90%}), {@code layers}. Operators: {@code > >= < <=}. {@code repull} (a
 * ratio or percentage) is the share of the image's layer bytes a node holding a prior image must
 * pull ({@link Repull}); it needs the prior and is evaluated with {@link #tripsAt}. Byte units:
 * {@code B}, decimal {@code KB MB GB TB} (also {@code K M G T}) and binary {@code KiB MiB GiB TiB}.
 */
public final class Gate {
  private static final Pattern SYNTAX =
      Pattern.compile("\\s*([a-z]+)\\s*(>=|<=|>|<)\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([A-Za-z%]*)\\s*");

  private final String text;
  private final String metric;
  private final String op;
  private final double threshold;

  private Gate(String text, String metric, String op, double threshold) {
    this.text = text;
    this.metric = metric;
    this.op = op;
    this.threshold = threshold;
  }

  /**
   * Parses a gate expression.
   *
   * @throws IllegalArgumentException with a one-line reason when the expression is malformed
   */
  public static Gate parse(String expr) {
    Matcher m = SYNTAX.matcher(expr);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "malformed gate '"
              + expr
              + "' (expected METRIC OP NUMBER[UNIT], e.g. wasted>100MB, efficiency<0.9)");
    }
    String metric = m.group(1);
    double value = Double.parseDouble(m.group(3));
    String unit = m.group(4);
    switch (metric) {
      case "wasted":
      case "size":
      case "compressed":
      case "squashed":
      case "duplicates":
        value *= byteUnit(unit, expr);
        break;
      case "efficiency":
        if (unit.equals("%")) {
          value /= 100;
        } else if (!unit.isEmpty()) {
          throw new IllegalArgumentException(
              "gate '" + expr + "': efficiency takes a ratio or a percentage");
        }
        break;
      case "repull":
        if (unit.equals("%")) {
          value /= 100;
        } else if (!unit.isEmpty()) {
          throw new IllegalArgumentException(
              "gate '" + expr + "': repull takes a ratio or a percentage");
        }
        break;
      case "layers":
        if (!unit.isEmpty()) {
          throw new IllegalArgumentException("gate '" + expr + "': layers takes a plain number");
        }
        break;
      default:
        throw new IllegalArgumentException(
            "gate '"
                + expr
                + "': unknown metric '"
                + metric
                + "' (expected wasted, size, compressed, squashed, duplicates, efficiency, layers or repull)");
    }
    return new Gate(expr.trim(), metric, m.group(2), value);
  }

  private static double byteUnit(String unit, String expr) {
    switch (unit.toUpperCase(Locale.ROOT)) {
      case "":
      case "B":
        return 1;
      case "K":
      case "KB":
        return 1e3;
      case "M":
      case "MB":
        return 1e6;
      case "G":
      case "GB":
        return 1e9;
      case "T":
      case "TB":
        return 1e12;
      case "KIB":
        return 1024.0;
      case "MIB":
        return 1024.0 * 1024;
      case "GIB":
        return 1024.0 * 1024 * 1024;
      case "TIB":
        return 1024.0 * 1024 * 1024 * 1024;
      default:
        throw new IllegalArgumentException("gate '" + expr + "': unknown unit '" + unit + "'");
    }
  }

  /** Whether evaluating this gate needs content hashes ({@link AnalyzeOptions#duplicates()}). */
  public boolean needsDuplicates() {
    return metric.equals("duplicates");
  }

  /**
   * Whether this gate is on the re-pull share ({@code repull > 20%}), which needs a prior image:
   * evaluate it with {@link #tripsAt} and {@link #reasonAt} on {@link Repull.Result#ratio()}.
   */
  public boolean needsPrior() {
    return metric.equals("repull");
  }

  /** The expression as given, trimmed. */
  public String text() {
    return text;
  }

  /** The metric's value for an analysis. */
  public double value(ImageAnalysis a) {
    switch (metric) {
      case "wasted":
        return a.wastedBytes();
      case "size":
        return a.finalContentBytes();
      case "compressed":
        return a.compressedBytes();
      case "squashed":
        return a.estimates().squashedTarBytes();
      case "duplicates":
        return a.duplicateBytes();
      case "efficiency":
        return a.efficiency();
      case "repull":
        throw new IllegalStateException("gate " + text + " needs a prior image");
      default:
        return a.layers().size();
    }
  }

  /** Whether the gate trips for this analysis. */
  public boolean trips(ImageAnalysis a) {
    return tripsAt(value(a));
  }

  /** Whether the gate trips for a value of its metric. */
  public boolean tripsAt(double v) {
    switch (op) {
      case ">":
        return v > threshold;
      case ">=":
        return v >= threshold;
      case "<":
        return v < threshold;
      default:
        return v <= threshold;
    }
  }

  /** A one-line reason; the same as {@link #summary}. */
  public String reason(ImageAnalysis a) {
    return summary(a);
  }

  /**
   * One line for a CI log, whether it tripped or not: the gate, its metric's value and the
   * threshold, e.g. {@code gate wasted>100MB tripped: wasted is 123.4 MiB (129394234 bytes),
   * threshold > 95.4 MiB (100000000 bytes)}.
   */
  public String summary(ImageAnalysis a) {
    return summaryAt(value(a));
  }

  /**
   * {@link #summary} for a value of the gate's metric computed elsewhere (the re-pull share needs a
   * prior).
   */
  public String summaryAt(double v) {
    return "gate "
        + text
        + (tripsAt(v) ? " tripped: " : " passed: ")
        + metric
        + " is "
        + shown(v)
        + ", threshold "
        + op
        + " "
        + shown(threshold);
  }

  /** The one-line reason for a value of the gate's metric; the same as {@link #summaryAt}. */
  public String reasonAt(double v) {
    return summaryAt(v);
  }

  private String shown(double v) {
    if (metric.equals("repull")) {
      return String.format(Locale.ROOT, "%.1f%%", v * 100);
    }
    if (metric.equals("efficiency")) {
      return String.format(Locale.ROOT, "%.4f", v);
    } else if (metric.equals("layers")) {
      return String.valueOf((long) v);
    }
    return TextReport.human((long) v) + " (" + (long) v + " bytes)";
  }
}
