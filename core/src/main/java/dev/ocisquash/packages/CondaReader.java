package dev.ocisquash.packages;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.TreeNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * conda environments: {@code <prefix>/conda-meta/<name>-<version>-<build>.json} records one
 * package: {@code name}, {@code version}, {@code depends} (match specs such as {@code "python
 * >=3.11,<3.12.0a0"}) and {@code files} (relative to the prefix). Read with a streaming parser: a
 * big package lists thousands of files. A record that is not valid JSON or has no name is no
 * package: never guessed at. Format: conda's {@code PrefixRecord}
 * (https://docs.conda.io/projects/conda/en/latest/dev-guide/deep-dives/install.html).
 */
final class CondaReader {
  private static final JsonFactory JSON = new JsonFactory();

  private CondaReader() {}

  static @Nullable List<InstalledPackage> read(FileTree tree) throws IOException {
    List<InstalledPackage> out = null;
    for (TreeNode n : tree.nodes()) {
      String parent = TreeFiles.parent(n.path());
      if (!n.isRegular() || !parent.endsWith("/conda-meta") || !n.name().endsWith(".json")) {
        continue;
      }
      if (out == null) {
        out = new ArrayList<>();
      }
      String prefix = TreeFiles.parent(parent);
      String name = null;
      String version = "";
      List<String> files = new ArrayList<>();
      List<Dependency> depends = new ArrayList<>();
      try (JsonParser p = JSON.createParser(TreeFiles.open(tree, n))) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          continue;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken t = p.nextToken();
          if (field.equals("name") && t == JsonToken.VALUE_STRING) {
            name = p.getText();
          } else if (field.equals("version") && t == JsonToken.VALUE_STRING) {
            version = p.getText();
          } else if (field.equals("files") && t == JsonToken.START_ARRAY) {
            while (p.nextToken() == JsonToken.VALUE_STRING) {
              files.add(p.getText());
            }
          } else if (field.equals("depends") && t == JsonToken.START_ARRAY) {
            while (p.nextToken() == JsonToken.VALUE_STRING) {
              String spec = p.getText().trim().split("[\\s=<>!~]", 2)[0];
              if (!spec.isEmpty()) {
                depends.add(Dependency.on(spec));
              }
            }
          } else {
            p.skipChildren();
          }
        }
      } catch (JsonProcessingException malformed) {
        continue;
      }
      if (name == null) {
        continue;
      }
      Listing l = new Listing(tree);
      l.addDatabase(n);
      for (String f : files) {
        l.add(TreeFiles.resolve(prefix, f));
      }
      out.add(
          l.build(
              Ecosystem.CONDA,
              name,
              version,
              prefix + ":" + name,
              prefix,
              depends,
              List.of(),
              null));
    }
    return out;
  }
}
