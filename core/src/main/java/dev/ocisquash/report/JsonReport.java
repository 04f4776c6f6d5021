package dev.ocisquash.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.model.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes an {@link ImageAnalysis} as JSON, schema version {@link ImageAnalysis#SCHEMA_VERSION}; the
 * schema is documented in {@code docs/analyze-schema.md}. All byte counts are exact integers.
 */
public final class JsonReport {
  private JsonReport() {}

  /** Builds the JSON document. */
  public static ObjectNode toJson(ImageAnalysis a) {
    ObjectNode root = Json.object();
    root.put("schemaVersion", ImageAnalysis.SCHEMA_VERSION);
    root.put("tool", "ocisquash analyze");
    root.put("image", a.source());
    root.put("from", a.from());
    ObjectNode t = root.putObject("totals");
    t.put("layers", a.layers().size());
    t.put("compressedBytes", a.compressedBytes());
    t.put("uncompressedBytes", a.uncompressedBytes());
    t.put("layerContentBytes", a.layerContentBytes());
    t.put("finalContentBytes", a.finalContentBytes());
    t.put("wastedBytes", a.wastedBytes());
    t.put("squashSavingsBytes", a.squashSavingsBytes());
    t.put("tarOverheadBytes", a.tarOverheadBytes());
    t.put("efficiency", a.efficiency());
    t.put("finalFiles", a.finalFiles());
    t.put("finalEntries", a.finalEntries());
    ArrayNode layers = root.putArray("layers");
    for (ImageAnalysis.Layer l : a.layers()) {
      ObjectNode o = layers.addObject();
      o.put("index", l.index());
      o.put("digest", l.digest());
      o.put("diffId", l.diffId());
      o.put("compression", l.compression());
      o.put("compressedBytes", l.compressedBytes());
      o.put("uncompressedBytes", l.uncompressedBytes());
      o.put("entries", l.entries());
      o.put("whiteouts", l.whiteouts());
      o.put("contentBytes", l.contentBytes());
      o.put("wastedBytes", l.wastedBytes());
      o.put("liveBytes", l.liveBytes());
      o.put("createdBy", l.createdBy());
    }
    sized(root.putArray("largestFiles"), a.largestFiles(Integer.MAX_VALUE), true);
    sized(root.putArray("largestDirectories"), a.largestDirectories(Integer.MAX_VALUE), false);
    ArrayNode bulk = root.putArray("knownBulk");
    for (ImageAnalysis.BulkItem b : a.knownBulk()) {
      ObjectNode o = bulk.addObject();
      o.put("source", b.source());
      o.put("bytes", b.bytes());
      o.put("files", b.files());
      o.put("description", b.description());
      o.put("action", b.action());
      o.put("preset", b.preset());
      o.put("selected", b.selected());
      o.put("why", b.why());
      sized(o.putArray("paths"), b.paths(), false);
    }
    ArrayNode presets = root.putArray("presets");
    for (ImageAnalysis.PresetEstimate p : a.presetEstimates()) {
      ObjectNode o = presets.addObject();
      o.put("preset", p.preset());
      o.put("group", p.group());
      o.put("selected", p.selected());
      o.put("bytes", p.bytes());
      o.put("entries", p.entries());
      o.put("note", p.note());
    }
    ObjectNode d = root.putObject("duplicates");
    d.put("searched", a.duplicatesSearched());
    d.put("repeatedBytes", a.duplicateBytes());
    ArrayNode groups = d.putArray("groups");
    for (ImageAnalysis.DuplicateGroup g : a.duplicates()) {
      ObjectNode o = groups.addObject();
      o.put("sha256", g.sha256());
      o.put("size", g.size());
      o.put("repeatedBytes", g.repeatedBytes());
      ArrayNode p = o.putArray("paths");
      g.paths().forEach(p::add);
    }
    ImageAnalysis.Estimates e = a.estimates();
    ObjectNode est = root.putObject("estimates");
    est.put("squashedTarBytes", e.squashedTarBytes());
    est.put("compressionRatio", e.compressionRatio());
    est.put("compressionMethod", e.compressionMethod());
    est.put("squashedCompressedBytes", e.squashedCompressedBytes());
    if (e.strippedTarBytes() < 0) {
      est.putNull("strippedTarBytes");
      est.putNull("strippedCompressedBytes");
    } else {
      est.put("strippedTarBytes", e.strippedTarBytes());
      est.put("strippedCompressedBytes", e.strippedCompressedBytes());
    }
    ImageAnalysis.StripEstimate s = a.strip();
    if (s == null) {
      root.putNull("strip");
    } else {
      ObjectNode so = root.putObject("strip");
      ArrayNode rules = so.putArray("rules");
      s.rules().forEach(rules::add);
      so.put("removedBytes", s.removedBytes());
      so.put("removedEntries", s.removedEntries());
      savings(so.putArray("perRule"), s.perRule());
      savings(so.putArray("perPreset"), s.perPreset());
      ArrayNode kept = so.putArray("keptByCheck");
      for (ImageAnalysis.KeptPath k : s.keptByCheck()) {
        kept.addObject().put("path", k.path()).put("reason", k.reason());
      }
      ArrayNode notes = so.putArray("notes");
      s.notes().forEach(notes::add);
    }
    if (a.packages() != null) {
      PackageUsageReport.json(root, a.packages());
    }
    return root;
  }

  private static void savings(ArrayNode arr, List<ImageAnalysis.RuleSaving> list) {
    for (ImageAnalysis.RuleSaving r : list) {
      arr.addObject().put("rule", r.rule()).put("bytes", r.bytes()).put("entries", r.entries());
    }
  }

  private static void sized(ArrayNode arr, List<ImageAnalysis.SizedPath> list, boolean files) {
    for (ImageAnalysis.SizedPath p : list) {
      ObjectNode o = arr.addObject();
      o.put("path", p.path());
      o.put("bytes", p.bytes());
      if (files) {
        o.put("layer", p.layer());
      } else {
        o.put("files", p.files());
      }
    }
  }

  /** Writes the document, pretty-printed, to {@code file}. */
  public static void write(ImageAnalysis a, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      Json.writeForPeople(out, toJson(a));
    }
  }
}
