package dev.ocisquash.cli;

import dev.ocisquash.cli.TestImages.Member;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds small oci-archive images (with declared digests and media types) in tests. */
final class OciImages {
  private OciImages() {}

  /**
   * An oci-archive of plain tar layers; {@code mediaType} overrides every layer's media type (null:
   * the standard uncompressed one).
   */
  static byte[] archive(List<byte[]> layers, String mediaType) throws Exception {
    String mt = mediaType != null ? mediaType : "application/vnd.oci.image.layer.v1.tar";
    List<Member> ms = new ArrayList<>();
    List<String> diffIds = new ArrayList<>();
    StringBuilder ls = new StringBuilder();
    for (byte[] l : layers) {
      String d = TestImages.sha256(l);
      diffIds.add(d);
      ms.add(Member.bytes("blobs/sha256/" + d.substring(7), l));
      ls.append(ls.length() > 0 ? "," : "")
          .append("{\"mediaType\":\"")
          .append(mt)
          .append("\",\"digest\":\"")
          .append(d)
          .append("\",\"size\":")
          .append(l.length)
          .append('}');
    }
    byte[] config = TestImages.configJson(diffIds).getBytes(StandardCharsets.UTF_8);
    String cd = TestImages.sha256(config);
    ms.add(Member.bytes("blobs/sha256/" + cd.substring(7), config));
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + cd
                + "\",\"size\":"
                + config.length
                + "},\"layers\":["
                + ls
                + "]}")
            .getBytes(StandardCharsets.UTF_8);
    String md = TestImages.sha256(manifest);
    ms.add(Member.bytes("blobs/sha256/" + md.substring(7), manifest));
    ms.add(
        0,
        Member.bytes(
            "index.json",
            ("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                    + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
                    + md
                    + "\",\"size\":"
                    + manifest.length
                    + "}]}")
                .getBytes(StandardCharsets.UTF_8)));
    ms.add(
        0,
        Member.bytes(
            "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8)));
    return TestImages.tar(ms);
  }
}
