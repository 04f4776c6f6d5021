package dev.ocisquash.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.cli.TestImages.Member;
import dev.ocisquash.testing.RawTar;
import dev.ocisquash.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input corpus of issue 7: every input is built here from a known-good one by one
 * deliberate change, run through the CLI in-process, and must end with exit code 1 and one line
 * naming the file and the problem, or, for the inputs documented as safe in docs/safety.md,
 * succeed. Either way no output or temporary file may remain beside the output on failure, and the
 * input is never changed.
 */
class BadInputTest {
  @TempDir Path tmp;

  private static final byte[] A = "hello\n".getBytes(UTF_8);

  /** Result of one in-process run. */
  record Run(int exit, String err, Path out) {}

  private Run squash(String name, byte[] image, String... extra) throws Exception {
    Path in = tmp.resolve(name);
    Files.write(in, image);
    Path outDir = Files.createDirectories(tmp.resolve("out-" + name));
    Path out = outDir.resolve("o.tar");
    List<String> args =
        new ArrayList<>(List.of("squash", "-q", in.toString(), "-o", out.toString()));
    args.addAll(Arrays.asList(extra));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    int exit;
    System.setErr(new PrintStream(err, true, UTF_8));
    try {
      exit = Main.run(args.toArray(new String[0]));
    } finally {
      System.setErr(saved);
    }
    assertTrue(Arrays.equals(image, Files.readAllBytes(in)), "input changed");
    Run r = new Run(exit, err.toString(UTF_8).strip(), out);
    if (exit != 0) {
      try (Stream<Path> s = Files.list(outDir)) {
        assertEquals(List.of(), s.toList(), "leftovers after: " + r.err);
      }
    }
    return r;
  }

  /**
   * Asserts the exit code of {@code kind} and one line holding the input's file name and every
   * given word.
   */
  private void fails(Kind kind, String name, byte[] image, String... words) throws Exception {
    Run r = squash(name, image);
    assertEquals(ExitCodes.of(kind), r.exit, name + ": " + r.err);
    assertFalse(r.err.contains("\n"), name + ": more than one line: " + r.err);
    assertTrue(r.err.startsWith("ocisquash: error: "), r.err);
    assertTrue(r.err.contains(name), name + ": file not named: " + r.err);
    for (String w : words) {
      assertTrue(r.err.contains(w), name + ": expected '" + w + "' in: " + r.err);
    }
  }

  private Run succeeds(String name, byte[] image) throws Exception {
    Run r = squash(name, image);
    assertEquals(0, r.exit, name + ": " + r.err);
    assertTrue(Files.isRegularFile(r.out));
    return r;
  }

  private static byte[] sample() throws Exception {
    return Files.readAllBytes(TestData.sample());
  }

  private static byte[] cut(byte[] b, int len) {
    return Arrays.copyOf(b, len);
  }

  /** A docker archive with two layers, the second one replaced by the given tar bytes. */
  private static byte[] withLayer(byte[] layer) throws Exception {
    return TestImages.dockerArchive(TestImages.layer("a", A), layer);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Outer archive and layer streams

  @Test
  void truncatedOuterTar() throws Exception {
    byte[] s = sample();
    fails(Kind.CORRUPT_INPUT, "outer-cut.tar", cut(s, s.length / 2 + 100), "truncated");
  }

  @Test
  void notAnArchive() throws Exception {
    fails(
        Kind.UNSUPPORTED_INPUT,
        "garbage.tar",
        "this is not a tar at all".getBytes(UTF_8),
        "not an image archive");
  }

  @Test
  void truncatedLayerTar() throws Exception {
    byte[] layer = TestImages.layer("b", new byte[5000]);
    fails(
        Kind.CORRUPT_INPUT, "layer-cut.tar", withLayer(cut(layer, 1024)), "layer 1 (", "truncated");
  }

  @Test
  void truncatedGzipLayer() throws Exception {
    byte[] layer = TestImages.layer("b", TestImages.sha256(A).repeat(200));
    byte[] gz = TestImages.gzip(layer);
    byte[] img =
        TestImages.dockerArchive(
            List.of(TestImages.layer("a", A), cut(gz, gz.length / 2)),
            List.of(TestImages.layer("a", A), layer));
    fails(Kind.CORRUPT_INPUT, "gzip-cut.tar", img, "layer 1 (", "truncated gzip");
  }

  /**
   * A gzip layer of two members, {@code cat a.gz b.gz} (valid RFC 1952, what BGZF-style writers
   * produce), whose first member's deflate data and trailer are exactly 64 KiB: a plain {@code
   * GZIPInputStream} with a 64 KiB buffer over the blob's hashing stream (available() is 0) stopped
   * there (JDK-7036144) and the layer failed its diff_id. The whole layer must be read, by
   * whichever gzip decoder is in use.
   */
  @Test
  void multiMemberGzipLayerIsReadWhole() throws Exception {
    byte[] content = new byte[100_000];
    new java.util.Random(7).nextBytes(content);
    byte[] layer = TestImages.layer("b", content);
    int firstLen =
        65536 - 8 - 5; // one stored block: 5 header bytes + data, then the 8-byte trailer
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    first.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
    first.writeBytes(
        new byte[] {
          1, (byte) firstLen, (byte) (firstLen >>> 8), (byte) ~firstLen, (byte) (~firstLen >>> 8)
        });
    first.write(layer, 0, firstLen);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(layer, 0, firstLen);
    for (long v : new long[] {crc.getValue(), firstLen}) {
      for (int i = 0; i < 4; i++) {
        first.write((int) (v >>> (8 * i)));
      }
    }
    byte[] second = TestImages.gzip(Arrays.copyOfRange(layer, firstLen, layer.length));
    byte[] gz = new byte[first.size() + second.length];
    System.arraycopy(first.toByteArray(), 0, gz, 0, first.size());
    System.arraycopy(second, 0, gz, first.size(), second.length);
    byte[] img =
        TestImages.dockerArchive(
            List.of(TestImages.layer("a", A), gz), List.of(TestImages.layer("a", A), layer));
    succeeds("gzip-members.tar", img);
  }

  @Test
  void truncatedZstdLayer() throws Exception {
    byte[] layer = TestImages.layer("b", TestImages.sha256(A).repeat(200));
    byte[] z = TestImages.zstd(layer);
    byte[] img =
        TestImages.dockerArchive(
            List.of(TestImages.layer("a", A), cut(z, z.length / 2)),
            List.of(TestImages.layer("a", A), layer));
    fails(Kind.CORRUPT_INPUT, "zstd-cut.tar", img, "layer 1 (", "zstd");
  }

  @Test
  void corruptGzipData() throws Exception {
    byte[] layer = TestImages.layer("b", TestImages.sha256(A).repeat(200));
    byte[] gz = TestImages.gzip(layer);
    for (int i = 20; i < 60; i++) {
      gz[i] ^= 0x5a;
    }
    byte[] img =
        TestImages.dockerArchive(
            List.of(TestImages.layer("a", A), gz), List.of(TestImages.layer("a", A), layer));
    Run r = squash("gzip-bad.tar", img);
    assertEquals(4, r.exit);
    assertTrue(
        r.err.contains("gzip-bad.tar")
            && r.err.contains("layer 1 (")
            && (r.err.contains("corrupt gzip") || r.err.contains("diff_id mismatch")),
        r.err);
  }

  @Test
  void diffIdMismatch() throws Exception {
    byte[] l2 = TestImages.layer("b", A);
    byte[] img =
        TestImages.dockerArchive(
            List.of(TestImages.layer("a", A), l2),
            List.of(TestImages.layer("a", A), TestImages.layer("c", A)));
    fails(Kind.CORRUPT_INPUT, "diffid.tar", img, "layer 1 (", "diff_id mismatch");
  }

  @Test
  void missingBlob() throws Exception {
    List<Member> ms =
        List.of(
            Member.bytes(
                "manifest.json",
                TestImages.manifestJson("config.json", List.of("nope.tar")).getBytes(UTF_8)),
            Member.bytes(
                "config.json",
                TestImages.configJson(List.of(TestImages.sha256(A))).getBytes(UTF_8)));
    fails(Kind.CORRUPT_INPUT, "missing.tar", TestImages.tar(ms), "nope.tar", "missing");
  }

  @Test
  void blobPathEscapingTheArchive() throws Exception {
    byte[] l = TestImages.layer("a", A);
    List<Member> ms =
        List.of(
            Member.bytes(
                "manifest.json",
                TestImages.manifestJson("config.json", List.of("../../../../etc/passwd"))
                    .getBytes(UTF_8)),
            Member.bytes(
                "config.json",
                TestImages.configJson(List.of(TestImages.sha256(l))).getBytes(UTF_8)));
    fails(Kind.CORRUPT_INPUT, "escape.tar", TestImages.tar(ms), "etc/passwd");
  }

  // ------------------------------------------------------------------------------------------------------------
  // JSON documents

  @Test
  void manifestInvalidJson() throws Exception {
    fails(
        Kind.CORRUPT_INPUT,
        "badjson.tar",
        TestImages.tar(List.of(Member.bytes("manifest.json", "[{\"Config\":".getBytes(UTF_8)))),
        "manifest.json");
  }

  @Test
  void manifestMissingFields() throws Exception {
    fails(
        Kind.CORRUPT_INPUT,
        "nofields.tar",
        TestImages.tar(List.of(Member.bytes("manifest.json", "[{}]".getBytes(UTF_8)))),
        "manifest.json");
  }

  @Test
  void configInvalidJson() throws Exception {
    byte[] l = TestImages.layer("a", A);
    List<Member> ms =
        List.of(
            Member.bytes(
                "manifest.json",
                TestImages.manifestJson("config.json", List.of("l.tar")).getBytes(UTF_8)),
            Member.bytes("config.json", "{\"rootfs\":".getBytes(UTF_8)),
            Member.bytes("l.tar", l));
    fails(Kind.CORRUPT_INPUT, "badconfig.tar", TestImages.tar(ms), "config.json");
  }

  @Test
  void configWithoutDiffIds() throws Exception {
    byte[] l = TestImages.layer("a", A);
    List<Member> ms =
        List.of(
            Member.bytes(
                "manifest.json",
                TestImages.manifestJson("config.json", List.of("l.tar")).getBytes(UTF_8)),
            Member.bytes("config.json", "{\"os\":\"linux\"}".getBytes(UTF_8)),
            Member.bytes("l.tar", l));
    fails(Kind.CORRUPT_INPUT, "nodiffids.tar", TestImages.tar(ms), "config.json");
  }

  @Test
  void ociIndexInvalidJson() throws Exception {
    List<Member> ms =
        List.of(
            Member.bytes("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(UTF_8)),
            Member.bytes("index.json", "{\"manifests\":[".getBytes(UTF_8)));
    fails(Kind.CORRUPT_INPUT, "badindex.tar", TestImages.tar(ms), "index.json");
  }

  @Test
  void ociUnknownLayerMediaType() throws Exception {
    byte[] l = TestImages.layer("a", A);
    fails(
        Kind.UNSUPPORTED_INPUT,
        "mediatype.tar",
        OciImages.archive(List.of(TestImages.layer("z", A), l), "application/vnd.example.weird"),
        "application/vnd.example.weird");
  }

  @Test
  void ociBlobDigestMismatch() throws Exception {
    byte[] l = TestImages.layer("a", A);
    byte[] img =
        OciImages.archive(List.of(TestImages.layer("z", "other".getBytes(UTF_8)), l), null);
    // Change one content byte of the stored layer blob, keeping its name: the manifest digest no
    // longer matches.
    byte[] needle = "hello\n".getBytes(UTF_8);
    int at = indexOf(img, needle);
    img[at] = 'j';
    fails(Kind.CORRUPT_INPUT, "digest.tar", img, "digest mismatch");
  }

  // ------------------------------------------------------------------------------------------------------------
  // Layer entries

  @Test
  void dotDotIsRefused() throws Exception {
    fails(
        Kind.CORRUPT_INPUT,
        "dotdot.tar",
        withLayer(RawTar.of(RawTar.file("a/../../etc/x", A))),
        "..");
  }

  @Test
  void absolutePathsAreNormalised() throws Exception {
    succeeds(
        "absolute.tar",
        withLayer(RawTar.of(RawTar.file("/etc/abs", A), RawTar.file("./rel/./x", A))));
  }

  @Test
  void symlinksOutsideTheRootAreCarriedVerbatim() throws Exception {
    succeeds(
        "symlinks.tar",
        withLayer(
            RawTar.of(
                RawTar.link('2', "l1", "../../../../etc/shadow"),
                RawTar.link('2', "l2", "l1"),
                RawTar.link('2', "l3", "/proc/self/root"))));
  }

  @Test
  void hardlinkToMissingTarget() throws Exception {
    fails(
        Kind.CORRUPT_INPUT,
        "hardmissing.tar",
        withLayer(RawTar.of(RawTar.link('1', "h", "nowhere"))),
        "'h'",
        "hardlink target does not exist");
  }

  @Test
  void hardlinkToALaterEntry() throws Exception {
    Run r =
        squash(
            "hardlater.tar", withLayer(RawTar.of(RawTar.link('1', "h", "t"), RawTar.file("t", A))));
    // A tar hardlink refers to an entry already extracted; pointing forward is refused like a
    // missing target.
    assertEquals(4, r.exit, r.err);
    assertTrue(r.err.contains("hardlater.tar") && r.err.contains("'h'"), r.err);
    assertTrue(r.err.contains("hardlink target does not exist"), r.err);
  }

  @Test
  void duplicateEntriesLastWins() throws Exception {
    succeeds(
        "dup.tar",
        withLayer(RawTar.of(RawTar.file("d", A), RawTar.file("d", "second".getBytes(UTF_8)))));
  }

  @Test
  void whiteoutOfAMissingPathIsHarmless() throws Exception {
    succeeds(
        "whiteout.tar",
        withLayer(
            RawTar.of(
                RawTar.file("nothere/.wh.gone", new byte[0]),
                RawTar.file(".wh.alsogone", new byte[0]))));
  }

  @Test
  void declaredSizeBeyondTheData() throws Exception {
    byte[] h = RawTar.header("big", '0', 1L << 20);
    fails(Kind.CORRUPT_INPUT, "size.tar", withLayer(RawTar.concat(h, new byte[512])), "truncated");
  }

  @Test
  void paxRecordWithAbsurdLength() throws Exception {
    byte[] rec = "99999999999999999999 path=x\n".getBytes(UTF_8);
    byte[] pax = RawTar.concat(RawTar.header("pax", 'x', rec.length), RawTar.padded(rec));
    fails(
        Kind.CORRUPT_INPUT,
        "pax.tar",
        withLayer(RawTar.concat(pax, RawTar.file("x", A), RawTar.end())),
        "PAX");
  }

  @Test
  void hugePaxHeaderIsRefused() throws Exception {
    byte[] h = RawTar.header("pax", 'x', 1L << 40);
    fails(Kind.LIMIT_EXCEEDED, "paxhuge.tar", withLayer(RawTar.concat(h, RawTar.end())), "PAX");
  }

  @Test
  void negativeAndOverflowingNumbers() throws Exception {
    byte[] h = RawTar.header("n", '0', 0);
    // base-256 with the sign bit set: a negative size.
    Arrays.fill(h, 124, 136, (byte) 0xff);
    RawTar.checksum(h);
    fails(Kind.CORRUPT_INPUT, "negative.tar", withLayer(RawTar.concat(h, RawTar.end())), "size");
    byte[] o = RawTar.header("o", '0', 0);
    o[124] = (byte) 0x80;
    Arrays.fill(o, 125, 136, (byte) 0x7f); // 2^87-ish: does not fit a long
    RawTar.checksum(o);
    fails(Kind.CORRUPT_INPUT, "overflow.tar", withLayer(RawTar.concat(o, RawTar.end())), "size");
    byte[] g = RawTar.header("g", '0', 0);
    System.arraycopy("9999999".getBytes(UTF_8), 0, g, 100, 7); // not octal
    RawTar.checksum(g);
    fails(Kind.CORRUPT_INPUT, "notoctal.tar", withLayer(RawTar.concat(g, RawTar.end())), "mode");
  }

  @Test
  void base256NumbersAreRead() throws Exception {
    byte[] h = RawTar.header("uid", '0', A.length);
    Arrays.fill(h, 108, 116, (byte) 0);
    h[108] = (byte) 0x80;
    h[114] = 0x12; // uid 0x1200_00 written in base-256
    h[115] = 0x34;
    RawTar.checksum(h);
    succeeds("base256.tar", withLayer(RawTar.concat(h, RawTar.padded(A), RawTar.end())));
  }

  @Test
  void hugePathComponent() throws Exception {
    String name = "d/" + "x".repeat(100_000);
    byte[] rec = RawTar.paxRecord("path", name.getBytes(UTF_8));
    byte[] pax = RawTar.concat(RawTar.header("pax", 'x', rec.length), RawTar.padded(rec));
    Run r =
        squash(
            "longname.tar",
            withLayer(RawTar.concat(pax, RawTar.header("ignored", '0', 0), RawTar.end())));
    // Carried: nothing is ever created on the host, so the name only has to survive the round trip.
    assertEquals(0, r.exit, r.err);
    assertTrue(
        indexOf(Files.readAllBytes(r.out), name.getBytes(UTF_8)) >= 0,
        "the long name is in the output");
  }

  @Test
  void nonUtf8NamesAreCarried() throws Exception {
    byte[] name = {'n', (byte) 0xff, (byte) 0xfe, 'x'};
    Run r =
        succeeds(
            "latin.tar",
            withLayer(
                RawTar.concat(RawTar.header(name, '0', A.length), RawTar.padded(A), RawTar.end())));
    assertTrue(
        indexOf(Files.readAllBytes(r.out), name) >= 0,
        "the raw name bytes are in the (uncompressed) layer");
  }

  @Test
  void limitsStopABomb() throws Exception {
    byte[] layer = TestImages.layer("zeros", new byte[8 << 20]);
    byte[] gz = TestImages.gzip(layer);
    byte[] img =
        TestImages.dockerArchive(
            List.of(TestImages.layer("a", A), gz), List.of(TestImages.layer("a", A), layer));
    // 8 MiB of zeros gzip to about 8 KiB: just over the default 1000:1.
    Run r = squash("bomb.tar", img);
    assertEquals(5, r.exit, r.err);
    assertTrue(
        r.err.contains("bomb.tar") && r.err.contains("layer 1 (") && r.err.contains("--max-ratio"),
        r.err);
    r = squash("bomb2.tar", img, "--max-uncompressed-bytes", "4M", "--max-ratio", "100000");
    assertTrue(r.err.contains("bomb2.tar") && r.err.contains("--max-uncompressed-bytes"), r.err);
    r = squash("bomb3.tar", img, "--max-entries", "1", "--max-ratio", "100000");
    assertTrue(r.err.contains("bomb3.tar") && r.err.contains("--max-entries"), r.err);
    assertEquals(0, squash("bomb4.tar", img, "--max-ratio", "2000").exit);
  }

  /**
   * A layer whose content is skipped, not read (here: a big file shadowed from above), still
   * reports its own failure: the diff_id mismatch, not a "truncated tar stream" made up by the
   * skip.
   */
  @Test
  void aMismatchFoundWhileSkippingIsReportedAsSuch() throws Exception {
    byte[] big = new byte[2 << 20];
    new java.util.Random(7).nextBytes(big);
    byte[] lower = TestImages.layer("a", big);
    byte[] claimed = TestImages.layer("a", A); // the diff_id the config claims for layer 0
    byte[] upper = TestImages.layer("a", A);
    byte[] img =
        TestImages.dockerArchive(List.of(TestImages.gzip(lower), upper), List.of(claimed, upper));
    Run r = squash("skipped-mismatch.tar", img);
    assertEquals(4, r.exit(), r.err());
    assertTrue(r.err().contains("layer 0 (") && r.err().contains("diff_id mismatch"), r.err());
    assertFalse(r.err().contains("truncated"), r.err());
  }

  /**
   * analyze reads layers through the same scan as squash: the same limits stop it, and it writes no
   * report: --json holds only the error, --html is not written.
   */
  @Test
  void analyzeStopsAtTheSameLimits() throws Exception {
    byte[] layer = TestImages.layer("zeros", new byte[8 << 20]);
    byte[] gz = TestImages.gzip(layer);
    Path in = tmp.resolve("bomb-analyze.tar");
    Files.write(
        in,
        TestImages.dockerArchive(
            List.of(TestImages.layer("a", A), gz), List.of(TestImages.layer("a", A), layer)));
    Path json = tmp.resolve("bomb-analyze.json");
    Path html = tmp.resolve("bomb-analyze.html");
    CliTest.Run r =
        CliTest.cli("analyze", in.toString(), "--json", json.toString(), "--html", html.toString());
    assertEquals(5, r.exit, r.err);
    assertTrue(
        r.err.contains("bomb-analyze.tar")
            && r.err.contains("layer 1 (")
            && r.err.contains("--max-ratio"),
        r.err);
    assertEquals(1, r.err.strip().lines().count(), "one line: " + r.err);
    ErrorReportTest.assertErrorJson(json, "LIMIT_EXCEEDED", r.err);
    assertFalse(Files.exists(html), "no HTML left behind");
  }

  @Test
  void analyzeTakesTheLimitFlagsOfSquash() throws Exception {
    byte[] layer = TestImages.layer("zeros", new byte[8 << 20]);
    Path in = tmp.resolve("bomb-flags.tar");
    Files.write(
        in,
        TestImages.dockerArchive(
            List.of(TestImages.layer("a", A), TestImages.gzip(layer)),
            List.of(TestImages.layer("a", A), layer)));
    CliTest.Run raised = CliTest.cli("analyze", in.toString(), "--max-ratio", "100000");
    assertEquals(0, raised.exit, "a raised --max-ratio lets the analysis through: " + raised.err);
    CliTest.Run entries =
        CliTest.cli("analyze", in.toString(), "--max-ratio", "100000", "--max-entries", "1");
    assertEquals(5, entries.exit, entries.err);
    assertTrue(entries.err.contains("--max-entries"), entries.err);
    CliTest.Run bytes =
        CliTest.cli(
            "analyze", in.toString(), "--max-ratio", "100000", "--max-uncompressed-bytes", "1M");
    assertEquals(5, bytes.exit, bytes.err);
    assertTrue(bytes.err.contains("--max-uncompressed-bytes"), bytes.err);
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
