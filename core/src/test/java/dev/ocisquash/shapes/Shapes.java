package dev.ocisquash.shapes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes every shape of the conformance corpus (docs/conformance.md) under one directory. */
public final class Shapes {
  private Shapes() {}

  public static List<Shape> writeAll(SampleImage img, Path out) throws IOException {
    Files.createDirectories(out);
    return List.of(
        GgcrShapes.cranePullOci(img, out, null),
        GgcrShapes.cranePullOci(img, out, "example.com/app:latest"),
        GgcrShapes.cranePullIndex(img, out),
        GgcrShapes.tarball(img, out, false),
        GgcrShapes.tarball(img, out, true),
        DockerSaveShapes.save(img, out, true, false),
        DockerSaveShapes.save(img, out, false, false),
        DockerSaveShapes.save(img, out, false, true),
        ContainerdShapes.export(img, out, false),
        ContainerdShapes.export(img, out, true),
        ArtifactShapes.cosignSave(img, out, false),
        ArtifactShapes.cosignSave(img, out, true),
        ArtifactShapes.orasLayout(img, out, true),
        ArtifactShapes.orasLayout(img, out, false),
        ArtifactShapes.buildkitAttestations(img, out),
        JibAndBazelShapes.jibDocker(img, out),
        JibAndBazelShapes.jibOci(img, out),
        JibAndBazelShapes.rulesOciDocker(img, out),
        JibAndBazelShapes.rulesOciIndex(img, out));
  }
}
