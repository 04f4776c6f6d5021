package dev.ocisquash.packages;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A package manager whose database an image may hold; {@link #prefix()} is how a selector names it.
 */
public enum Ecosystem {
  DPKG,
  APK,
  CONDA,
  PIP,
  NPM;

  /**
   * The selector prefix without its colon: {@code dpkg}, {@code apk}, {@code conda}, {@code pip},
   * {@code npm}.
   */
  public String prefix() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The ecosystem a selector prefix names, or null. */
  public static @Nullable Ecosystem ofPrefix(String prefix) {
    for (Ecosystem e : values()) {
      if (e.prefix().equals(prefix)) {
        return e;
      }
    }
    return null;
  }
}
