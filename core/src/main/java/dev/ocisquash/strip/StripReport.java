package dev.ocisquash.strip;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Every decision of a strip run and the totals, serialisable with Jackson ({@code --report-json}).
 * Bytes removed are content bytes that leave the image: a removed name of a hardlink group counts 0
 * when another name of the group stays, and the group's content counts once when all names go. Each
 * removed path is counted once, under the first matching rule in {@link Presets#all()} order, then
 * the {@code --remove} globs in order.
 */
@JsonPropertyOrder({
  "bytesRemoved",
  "entriesRemoved",
  "ruleTotals",
  "checkTotals",
  "notes",
  "packagesRemoved",
  "databaseRewrites",
  "decisions"
})
public final class StripReport {
  /** One decision about one path. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"path", "action", "type", "sizeBytes", "rule", "check", "reason"})
  public static final class Decision {
    private final String path;
    private final String action;
    private final String type;
    private final long sizeBytes;
    private final String rule;
    private final @Nullable String check;
    private final String reason;

    Decision(
        String path,
        String action,
        String type,
        long sizeBytes,
        String rule,
        @Nullable String check,
        String reason) {
      this.path = path;
      this.action = action;
      this.type = type;
      this.sizeBytes = sizeBytes;
      this.rule = rule;
      this.check = check;
      this.reason = reason;
    }

    /** The absolute path. */
    public String getPath() {
      return path;
    }

    /** {@code "removed"} or {@code "kept"}. */
    public String getAction() {
      return action;
    }

    /** The entry type. */
    public String getType() {
      return type;
    }

    /** Bytes counted as removed (for kept paths: their size). */
    public long getSizeBytes() {
      return sizeBytes;
    }

    /** The rule (preset name or {@code remove:GLOB}) that matched. */
    public String getRule() {
      return rule;
    }

    /** For kept paths: the check or keep that kept it ({@code keep}, {@code symlink}, ...). */
    public @Nullable String getCheck() {
      return check;
    }

    /** Why it was kept, or how it was removed when not by its own match. */
    public String getReason() {
      return reason;
    }

    @Override
    public String toString() {
      return action
          + " "
          + path
          + (rule != null ? " [" + rule + "]" : "")
          + (check != null ? " by " + check : "")
          + (reason != null ? ": " + reason : "");
    }
  }

  /** Bytes and entries for one rule or check. */
  @JsonPropertyOrder({"bytes", "entries"})
  public static final class Totals {
    private long bytes;
    private long entries;

    void add(long b) {
      bytes += b;
      entries++;
    }

    /** Bytes. */
    public long getBytes() {
      return bytes;
    }

    /** Entries. */
    public long getEntries() {
      return entries;
    }
  }

  private final List<Decision> decisions;
  private final Map<String, Totals> ruleTotals;
  private final Map<String, Totals> checkTotals;
  private final List<String> notes;
  private final List<String> packagesRemoved;
  private final List<String> databaseRewrites;
  private final long bytesRemoved;
  private final long entriesRemoved;

  StripReport(
      List<Decision> decisions,
      LinkedHashMap<String, Totals> ruleTotals,
      LinkedHashMap<String, Totals> checkTotals,
      List<String> notes,
      List<String> packagesRemoved,
      List<String> databaseRewrites) {
    this.packagesRemoved = List.copyOf(packagesRemoved);
    this.databaseRewrites = List.copyOf(databaseRewrites);
    this.decisions = Collections.unmodifiableList(decisions);
    this.ruleTotals = Collections.unmodifiableMap(ruleTotals);
    this.checkTotals = Collections.unmodifiableMap(checkTotals);
    this.notes = Collections.unmodifiableList(notes);
    long b = 0;
    long e = 0;
    for (Decision d : decisions) {
      if (d.action.equals("removed")) {
        b += d.sizeBytes;
        e++;
      }
    }
    this.bytesRemoved = b;
    this.entriesRemoved = e;
  }

  /**
   * Every decision: each removed entry, and each entry a rule matched but a keep or a check kept.
   */
  public List<Decision> getDecisions() {
    return decisions;
  }

  /** Removed bytes and entries per rule, in priority order; sums to {@link #getBytesRemoved()}. */
  public Map<String, Totals> getRuleTotals() {
    return ruleTotals;
  }

  /** Kept bytes and entries per check or keep. */
  public Map<String, Totals> getCheckTotals() {
    return checkTotals;
  }

  /**
   * Notes about presets that were skipped or narrowed (e.g. headers kept because a compiler is
   * present).
   */
  public List<String> getNotes() {
    return notes;
  }

  /** The packages {@code --remove-package} removed whole, with their versions. */
  public List<String> getPackagesRemoved() {
    return packagesRemoved;
  }

  /** The database files rewritten without the removed packages. */
  public List<String> getDatabaseRewrites() {
    return databaseRewrites;
  }

  /** Total bytes removed. */
  public long getBytesRemoved() {
    return bytesRemoved;
  }

  /** Total entries removed. */
  public long getEntriesRemoved() {
    return entriesRemoved;
  }
}
