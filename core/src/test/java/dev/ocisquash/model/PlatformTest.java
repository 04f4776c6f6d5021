package dev.ocisquash.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Platform matching in containerd's normal form. */
class PlatformTest {
  private static boolean wantHave(String want, String os, String arch, String variant) {
    return Platform.parse(want).matches(Platform.of(os, arch, variant));
  }

  @Test
  void architectureAliasesAndDefaultVariants() {
    assertTrue(wantHave("linux/amd64", "linux", "amd64", null));
    assertTrue(wantHave("linux/amd64", "linux", "x86_64", null));
    assertTrue(wantHave("linux/arm64/v8", "linux", "arm64", null));
    assertTrue(wantHave("linux/arm64", "linux", "aarch64", "v8"));
    assertTrue(wantHave("linux/arm/v7", "linux", "arm", null));
    assertTrue(wantHave("linux/arm/v7", "linux", "arm", "7"));
    assertTrue(wantHave("linux/386", "linux", "i386", null));
    assertTrue(wantHave("Linux/AMD64", "linux", "amd64", null));
  }

  @Test
  void differentPlatformsDoNotMatch() {
    assertFalse(wantHave("linux/arm/v6", "linux", "arm", null));
    assertFalse(wantHave("linux/arm64", "linux", "amd64", null));
    assertFalse(wantHave("windows/amd64", "linux", "amd64", null));
    assertFalse(wantHave("linux/amd64", "linux", "arm64", null));
    assertFalse(Platform.parse("linux/amd64").matches((Platform) null));
  }

  @Test
  void aWantedPlatformWithoutVariantAcceptsAnyVariant() {
    assertTrue(wantHave("linux/arm", "linux", "arm", "v6"));
    assertTrue(wantHave("linux/arm64", "linux", "arm64", "v9"));
  }
}
