package dev.ocisquash.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The name mapping: valid UTF-8 as usual, every other byte escaped, one to one, and shown as {@code
 * \xNN}.
 */
class PathNamesTest {
  @Test
  void validUtf8DecodesAsUsual() {
    for (String s :
        new String[] {"", "usr/bin/env", "café/ñ", "日本語/ファイル", "emoji-\uD83D\uDE00.txt"}) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      assertEquals(s, PathNames.decode(b));
      assertArrayEquals(b, PathNames.encode(s));
      assertEquals(s, PathNames.display(s));
    }
  }

  @Test
  void latin1NamesStayDistinct() {
    byte[] e = {'c', 'a', 'f', (byte) 0xE9};
    byte[] g = {'c', 'a', 'f', (byte) 0xE8};
    assertEquals(
        new String(e, StandardCharsets.UTF_8),
        new String(g, StandardCharsets.UTF_8),
        "the old collision");
    assertNotEquals(PathNames.decode(e), PathNames.decode(g));
    assertEquals("caf\\xe9", PathNames.display(PathNames.decode(e)));
    assertArrayEquals(e, PathNames.encode(PathNames.decode(e)));
  }

  @Test
  void invalidSequencesEscapeByteByByte() {
    // overlong '/', an encoded surrogate, a truncated 3-byte sequence, a stray continuation byte,
    // 0xFF
    byte[] b = {
      (byte) 0xC0,
      (byte) 0xAF,
      (byte) 0xED,
      (byte) 0xA0,
      (byte) 0x80,
      'x',
      (byte) 0xE2,
      (byte) 0x82,
      'y',
      (byte) 0x80,
      (byte) 0xFF
    };
    String s = PathNames.decode(b);
    assertEquals("\\xc0\\xaf\\xed\\xa0\\x80x\\xe2\\x82y\\x80\\xff", PathNames.display(s));
    assertArrayEquals(b, PathNames.encode(s));
  }

  @Test
  void randomBytesRoundTripAndNeverCollide() {
    Random r = new Random(42);
    Map<String, byte[]> seen = new HashMap<>();
    for (int i = 0; i < 200_000; i++) {
      byte[] b = new byte[1 + r.nextInt(6)];
      r.nextBytes(b);
      if (r.nextBoolean()) {
        b[0] =
            (byte)
                (0xC2
                    + r.nextInt(
                        0x33)); // bias towards lead bytes, so valid and broken sequences both occur
      }
      String s = PathNames.decode(b);
      assertArrayEquals(b, PathNames.encode(s));
      byte[] other = seen.putIfAbsent(s, b);
      if (other != null) {
        assertArrayEquals(other, b, "two byte strings decoded to one name");
      }
    }
  }
}
