package dev.ocisquash.packages;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One installed package as its database records it.
 *
 * @param ecosystem the database it comes from
 * @param name the name a selector matches ({@code libssl3}, {@code numpy}, {@code @scope/pkg})
 * @param version the version the database records, or "" when it records none
 * @param key what identifies it among packages of the same name: dpkg the info stem ({@code
 *     libssl3:amd64}), conda {@code prefix:name}, pip the metadata directory, npm the package
 *     directory, apk the name
 * @param scope where its dependencies resolve: the conda prefix, the pip site directory, the npm
 *     package directory; "" for dpkg and apk (one per image)
 * @param files the non-directory paths it owns that the tree holds, sorted, absolute, through
 *     symlinked parents
 * @param directories the directories it lists that the tree holds, sorted
 * @param databaseFiles its own records (dpkg {@code info/<stem>.*}, the conda-meta JSON, the pip
 *     metadata directory and its files); removed only when the package goes whole
 * @param bytes the sizes of {@code files} and {@code databaseFiles}
 * @param depends what it needs installed
 * @param provides the virtual names it provides besides its name (dpkg {@code Provides}, apk {@code
 *     p:})
 * @param protection why it may never be removed ({@code Essential: yes}, {@code Priority:
 *     required}, an npm project root), or null
 */
public record InstalledPackage(
    Ecosystem ecosystem,
    String name,
    String version,
    String key,
    String scope,
    List<String> files,
    List<String> directories,
    List<String> databaseFiles,
    long bytes,
    List<Dependency> depends,
    List<String> provides,
    @Nullable String protection) {
  public InstalledPackage {
    files = List.copyOf(files);
    directories = List.copyOf(directories);
    databaseFiles = List.copyOf(databaseFiles);
    depends = List.copyOf(depends);
    provides = List.copyOf(provides);
  }

  /** Whether it may never be removed, {@code --force} or not. */
  public boolean essential() {
    return protection != null;
  }

  /**
   * How reports name it: {@code dpkg:libssl3:amd64}, {@code pip:numpy}, {@code
   * npm:/app/node_modules/x}.
   */
  public String label() {
    String id = ecosystem == Ecosystem.DPKG || ecosystem == Ecosystem.APK ? key : name;
    return ecosystem.prefix()
        + ":"
        + id
        + (ecosystem == Ecosystem.NPM || ecosystem == Ecosystem.CONDA || ecosystem == Ecosystem.PIP
            ? " (" + key + ")"
            : "");
  }
}
