package dev.ocisquash.strip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.tar.TarEntryType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shared tree adapter, in memory: root, order, index, hardlink group keys and content dispatch.
 */
class IndexedFileTreeTest {
  /** Content is the handle's text; the node is only checked to be the one asked for. */
  private static final IndexedFileTree.ContentSource<String> TEXT =
      (node, handle) -> {
        byte[] data = handle.getBytes(StandardCharsets.UTF_8);
        return new SeekableContent() {
          @Override
          public long size() {
            return data.length;
          }

          @Override
          public int read(long position, byte[] buf, int off, int len) {
            if (position >= data.length) {
              return -1;
            }
            int n = (int) Math.min(len, data.length - position);
            System.arraycopy(data, (int) position, buf, off, n);
            return n;
          }

          @Override
          public void close() {}
        };
      };

  private static TreeNode dir(String path) {
    return new TreeNode(path, TarEntryType.DIRECTORY, null, 0, 0755, null);
  }

  private static TreeNode file(String path, Object group) {
    return new TreeNode(path, TarEntryType.REGULAR, null, 5, 0644, group);
  }

  private static List<String> paths(FileTree t) {
    List<String> out = new ArrayList<>();
    t.nodes().forEach(n -> out.add(n.path()));
    return out;
  }

  @Test
  void synthesisesTheRootAndSortsParentsFirst() {
    IndexedFileTree t =
        IndexedFileTree.builder(TEXT)
            .add(file("/a-b", null), "x")
            .add(file("/a/c", null), "y")
            .add(dir("/a"), null)
            .build();
    // '/' sorts before every other character, so /a/c comes before /a-b.
    assertEquals(List.of("/", "/a", "/a/c", "/a-b"), paths(t));
    TreeNode root = t.get("/");
    assertTrue(root.isDirectory());
    assertEquals(0755, root.mode());
  }

  @Test
  void keepsAGivenRootAndTheGivenOrderWhenAsked() {
    TreeNode root = new TreeNode("/", TarEntryType.DIRECTORY, null, 0, 0700, null);
    IndexedFileTree t =
        IndexedFileTree.builder(TEXT)
            .keepOrder()
            .add(root, null)
            .add(file("/b", null), "b")
            .add(dir("/a"), null)
            .build();
    assertEquals(List.of("/", "/b", "/a"), paths(t));
    assertSame(root, t.get("/"));
  }

  @Test
  void getFindsEveryNodeAndNothingElse() {
    IndexedFileTree.Builder<String> b = IndexedFileTree.builder(TEXT);
    for (int i = 0; i < 100; i++) {
      b.add(file("/f" + i, null), "c" + i);
    }
    IndexedFileTree t = b.build();
    for (int i = 0; i < 100; i++) {
      assertEquals("/f" + i, t.get("/f" + i).path());
    }
    assertNull(t.get("/f100"));
    assertNull(t.get("/f1/x"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            IndexedFileTree.builder(TEXT)
                .add(file("/x", null), "1")
                .add(file("/x", null), "2")
                .build());
  }

  @Test
  void groupKeysOnlyWhereAnObjectHasTwoNames() {
    Object shared = new Object();
    IndexedFileTree t =
        IndexedFileTree.builder(TEXT)
            .add(file("/one", new Object()), "1")
            .add(file("/two-a", shared), "2")
            .add(file("/two-b", shared), "2")
            .add(file("/inode-a", Integer.valueOf(1000)), "3")
            .add(file("/inode-b", Integer.valueOf(1000)), "3")
            .build();
    assertNull(t.get("/one").groupKey());
    assertNotNull(t.get("/two-a").groupKey());
    assertSame(t.get("/two-a").groupKey(), t.get("/two-b").groupKey());
    // Keys are compared by equals: two equal boxes of one inode number are one group.
    assertEquals(t.get("/inode-a").groupKey(), t.get("/inode-b").groupKey());
    assertEquals(5, t.get("/one").size());
  }

  @Test
  void opensRegularFilesThroughTheirHandle() throws IOException {
    IndexedFileTree t =
        IndexedFileTree.builder(TEXT).add(file("/a", null), "hello").add(dir("/d"), null).build();
    byte[] buf = new byte[5];
    try (SeekableContent c = t.open(t.get("/a"))) {
      assertEquals(5, c.readFully(0, buf, 0, 5));
    }
    assertEquals("hello", new String(buf, StandardCharsets.UTF_8));
    IOException dir = assertThrows(IOException.class, () -> t.open(t.get("/d")));
    assertTrue(dir.getMessage().contains("/d"), dir.getMessage());
    // A node of the same path from elsewhere is not this tree's.
    IOException other = assertThrows(IOException.class, () -> t.open(file("/a", null)));
    assertTrue(other.getMessage().contains("/a"), other.getMessage());
  }
}
