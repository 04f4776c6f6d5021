package dev.ocisquash.layering;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.ocisquash.layering.Component.Source;
import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.TreeNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.NullUnmarked;

/**
 * conda environments: {@code <prefix>/conda-meta/<name>-<version>-<build>.json} names the package ({@code name}) and
 * its files ({@code files}, relative to the prefix). Read with a streaming parser: a big package lists thousands of
 * files. The group name is the environment prefix and the package name ({@code /opt/conda:numpy}), since two
 * environments may hold the same package.
 */
@NullUnmarked // NullAway findings here not fixed yet (docs/testing.md, "Static checks")
final class CondaDatabase implements OwnerDatabase {
  private static final JsonFactory JSON = new JsonFactory();

  @Override
  public String name() {
    return "conda";
  }

  @Override
  public void claim(FileTree tree, Claims claims) throws IOException {
    for (TreeNode n : tree.nodes()) {
      String parent = TreeFiles.parent(n.path());
      if (!n.isRegular() || !parent.endsWith("/conda-meta") || !n.name().endsWith(".json")) {
        continue;
      }
      String prefix = TreeFiles.parent(parent);
      String name = null;
      List<String> files = new ArrayList<>();
      try (JsonParser p = JSON.createParser(TreeFiles.open(tree, n))) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          continue; // not a package record
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken t = p.nextToken();
          if (field.equals("name") && t == JsonToken.VALUE_STRING) {
            name = p.getText();
          } else if (field.equals("files") && t == JsonToken.START_ARRAY) {
            while (p.nextToken() == JsonToken.VALUE_STRING) {
              files.add(p.getText());
            }
          } else {
            p.skipChildren();
          }
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException malformed) {
        continue; // a damaged record claims nothing: never guess
      }
      if (name == null) {
        continue;
      }
      Component owner = Component.of(Source.CONDA, prefix + ":" + name);
      claims.claim(n.path(), owner);
      for (String f : files) {
        String path = TreeFiles.resolve(prefix, f);
        if (path != null) {
          DpkgDatabase.claimIfFile(tree, path, owner, claims);
        }
      }
    }
  }
}
