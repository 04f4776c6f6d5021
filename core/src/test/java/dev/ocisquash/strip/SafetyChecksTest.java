package dev.ocisquash.strip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fixpoint of the safety checks: dependency chains longer than any fixed number of rounds are
 * followed to the end, and a fixpoint not reached is an error.
 */
class SafetyChecksTest {
  private static final int CHAIN = 150;

  /**
   * A minimal 64-bit little-endian ELF shared object: one PT_LOAD mapping the whole file at address
   * 0, a PT_DYNAMIC with DT_NEEDED entries and DT_STRTAB, the string table. Enough for {@link
   * ElfInfo}.
   */
  static byte[] elf(List<String> needed) {
    ByteArrayOutputStream strtab = new ByteArrayOutputStream();
    strtab.write(0);
    long[] offsets = new long[needed.size()];
    for (int k = 0; k < needed.size(); k++) {
      offsets[k] = strtab.size();
      strtab.writeBytes(needed.get(k).getBytes(StandardCharsets.UTF_8));
      strtab.write(0);
    }
    int phoff = 64;
    int dynOff = phoff + 2 * 56;
    int dynSize = (needed.size() + 2) * 16;
    int strOff = dynOff + dynSize;
    int total = strOff + strtab.size();
    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
    b.putShort(16, (short) 3).putShort(18, (short) 62).putInt(20, 1);
    b.putLong(32, phoff).putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 2);
    b.putInt(phoff, 1).putLong(phoff + 8, 0).putLong(phoff + 16, 0).putLong(phoff + 32, total);
    b.putLong(phoff + 40, total);
    int ph2 = phoff + 56;
    b.putInt(ph2, 2).putLong(ph2 + 8, dynOff).putLong(ph2 + 16, dynOff).putLong(ph2 + 32, dynSize);
    b.putLong(ph2 + 40, dynSize);
    int e = dynOff;
    for (long o : offsets) {
      b.putLong(e, 1).putLong(e + 8, o);
      e += 16;
    }
    b.putLong(e, 5).putLong(e + 8, strOff);
    b.position(strOff);
    b.put(strtab.toByteArray());
    return b.array();
  }

  private static String lib(int k) {
    return String.format("libchain%03d.so", k);
  }

  /**
   * A kept program needs the last library of a chain; each library needs the one before it. The
   * libraries sort before the ones that need them, so each round of the ELF check reaches only one
   * more link.
   */
  private static MapFileTree chain() {
    MapFileTree t = new MapFileTree().file("/app/prog", elf(List.of(lib(CHAIN - 1))), 0755);
    for (int k = 0; k < CHAIN; k++) {
      t.file("/usr/lib/" + lib(k), elf(k == 0 ? List.of() : List.of(lib(k - 1))));
    }
    return t.file("/usr/lib/libunused.so", elf(List.of()));
  }

  @Test
  void minimalElfParses() throws IOException {
    MapFileTree t = new MapFileTree().file("/x.so", elf(List.of("liba.so.1", "libb.so.2")));
    try (SeekableContent c = t.open(t.get("/x.so"))) {
      assertEquals(List.of("liba.so.1", "libb.so.2"), ElfInfo.read(c).needed());
    }
  }

  @Test
  void longNeededChainIsKeptToTheEnd() throws IOException {
    MapFileTree t = chain();
    StripResult r = Stripper.plan(t, StripRules.builder().remove("/usr/lib/*.so").build());
    StripperTest.assertConsistent(t, r);
    for (int k = 0; k < CHAIN; k++) {
      assertFalse(r.isRemoved("/usr/lib/" + lib(k)), lib(k) + " is needed through the chain");
    }
    assertTrue(r.isRemoved("/usr/lib/libunused.so"));
    StripReport.Decision first = StripperTest.find(r, "/usr/lib/" + lib(0));
    assertEquals("shared-library", first.getCheck());
    assertEquals(lib(0) + " needed by /usr/lib/" + lib(1), first.getReason());
  }

  @Test
  void longPythonImportChainIsKeptToTheEnd() throws IOException {
    String sp = "/usr/lib/python3/dist-packages/";
    int last = CHAIN - 1;
    MapFileTree t =
        new MapFileTree().text(sp + "pk" + last + "/__init__.py", "import pk" + last + ".tests\n");
    for (int k = 0; k < CHAIN; k++) {
      String body = k == 0 ? "" : "import pk" + (k - 1) + ".tests\n";
      t.text(sp + "pk" + k + "/tests/__init__.py", body)
          .text(sp + "pk" + k + "/tests/test_x.py", "");
    }
    t.text(sp + "other/tests/__init__.py", "");
    StripResult r = Stripper.plan(t, StripRules.builder().preset("tests").build());
    StripperTest.assertConsistent(t, r);
    for (int k = 0; k < CHAIN; k++) {
      assertFalse(
          r.isRemoved(sp + "pk" + k + "/tests/test_x.py"),
          "pk" + k + ".tests is imported via the chain");
    }
    assertTrue(r.isRemoved(sp + "other/tests"));
  }

  private static StripDecisions decided(String removeGlob, ImageIndex index) {
    RuleSpec spec = new RuleSpec("remove:" + removeGlob);
    spec.removes().add(removeGlob);
    StripDecisions d = new StripDecisions(index, List.of(spec.name()));
    RuleWalk.apply(d, List.of(spec), StripRules.builder().build());
    return d;
  }

  @Test
  void chainNeedsMoreRoundsThanAnyFixedCapWouldAllow() throws IOException {
    MapFileTree t = chain();
    ImageIndex index = new ImageIndex(t);
    StripDecisions d = decided("/usr/lib/*.so", index);
    List<SafetyCheck> checks = SafetyChecks.standard(index, ImageFacts.scan(index));
    int rounds = SafetyChecks.runToFixpoint(d, checks, SafetyChecks.roundLimit(d));
    // Round 1 keeps the program's library and, later in tree order, the one that library needs;
    // every further
    // round one more link; the last round changes nothing. Far more than the 100 rounds once
    // thought enough.
    assertEquals(CHAIN, rounds);
    assertTrue(rounds <= SafetyChecks.roundLimit(d));
  }

  @Test
  void fixpointNotReachedIsAnError() throws IOException {
    MapFileTree t = chain();
    ImageIndex index = new ImageIndex(t);
    StripDecisions d = decided("/usr/lib/*.so", index);
    List<SafetyCheck> checks = SafetyChecks.standard(index, ImageFacts.scan(index));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> SafetyChecks.runToFixpoint(d, checks, 100));
    assertTrue(e.getMessage().contains("after 100 rounds"), e.getMessage());
    assertTrue(e.getMessage().contains("shared-library"), e.getMessage());
  }

  @Test
  void checkThatNeverSettlesIsNamed() {
    MapFileTree t = new MapFileTree().file("/a", 1);
    StripDecisions d = new StripDecisions(new ImageIndex(t), List.of());
    SafetyCheck restless =
        new SafetyCheck() {
          @Override
          public String name() {
            return "restless";
          }

          @Override
          public boolean run(StripDecisions decisions) {
            return true;
          }
        };
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                SafetyChecks.runToFixpoint(
                    d, List.of(new SymlinkCheck(), restless), SafetyChecks.roundLimit(d)));
    assertTrue(e.getMessage().contains("after 3 rounds"), e.getMessage());
    assertTrue(e.getMessage().endsWith("check(s) restless"), e.getMessage());
  }
}
