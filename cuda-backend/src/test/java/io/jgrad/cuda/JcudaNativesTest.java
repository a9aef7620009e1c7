package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.condition.OS.LINUX;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;

/**
 * Where JCuda has no natives, "cuda" says so in one line before anything native loads. The platforms are the ones
 * jgrad-cuda's POM profiles leave without natives (macOS on both arches, Linux aarch64); the class path is this test's
 * own (linux-x86_64 natives, as the Linux x86-64 build resolves them) or the jcuda jar alone.
 */
class JcudaNativesTest {
  private static final ClassLoader BUILD = JcudaNativesTest.class.getClassLoader();

  @Test
  void macAndLinuxArmAreNamedWithThePlatformsJcudaServes() {
    assertEquals("no CUDA on Mac OS X aarch64: JCuda 12.6.0 publishes native libraries for linux-x86_64 and "
        + "windows-x86_64 only", JcudaNatives.missingReason("Mac OS X", "aarch64", BUILD));
    assertEquals("no CUDA on Mac OS X x86_64: JCuda 12.6.0 publishes native libraries for linux-x86_64 and "
        + "windows-x86_64 only", JcudaNatives.missingReason("Mac OS X", "x86_64", BUILD));
    assertEquals("no CUDA on Linux aarch64: JCuda 12.6.0 publishes native libraries for linux-x86_64 and "
        + "windows-x86_64 only", JcudaNatives.missingReason("Linux", "aarch64", BUILD));
  }

  @Test
  void theClassifiersAreJcudas() {
    assertEquals("linux-x86_64", JcudaNatives.classifier("Linux", "amd64"));
    assertEquals("windows-x86_64", JcudaNatives.classifier("Windows 11", "amd64"));
    assertNull(JcudaNatives.classifier("Linux", "ppc64le"));
  }

  @Test
  @EnabledOnOs(value = LINUX, architectures = "amd64")
  void linuxX64FindsTheNativesTheBuildResolved() {
    assertNull(JcudaNatives.missingReason("Linux", "amd64", BUILD));
  }

  @Test
  void aSupportedPlatformWithoutTheNativesJarSaysWhatToAdd() throws Exception {
    URL jcudaJar = JCudaDriver.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader jcudaOnly = new URLClassLoader(new URL[] {jcudaJar}, null)) {
      assertEquals("no CUDA binding: jcuda-natives for windows-x86_64 is not on the class path (add "
          + "org.jcuda:jcuda-natives:12.6.0:windows-x86_64 and org.jcuda:jcublas-natives:12.6.0:windows-x86_64)",
          JcudaNatives.missingReason("Windows 11", "amd64", jcudaOnly));
    }
    assertEquals("jcuda-12.6.0.jar", Path.of(jcudaJar.toURI()).getFileName().toString());
  }
}
