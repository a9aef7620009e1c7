package io.jgrad.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Locale;
import java.util.Properties;

/**
 * Whether JCuda's native binding can be on this machine, asked before anything native loads. JCuda publishes its
 * natives (jcuda-natives, jcublas-natives) for linux-x86_64 and windows-x86_64 only; jgrad-cuda's POM adds them on
 * exactly those platforms (see its profiles), so elsewhere the jar is absent and loading it would fail with an
 * UnsatisfiedLinkError that says nothing useful. This class turns both cases, an unsupported platform and a supported
 * one whose natives jar is missing (Gradle ignores POM profiles), into one line.
 */
final class JcudaNatives {
  private JcudaNatives() {}

  /**
   * @param osName the JVM's {@code os.name}
   * @param osArch the JVM's {@code os.arch}
   * @param loader where the JCuda jars are looked for
   * @return null when the driver binding's library is on the class path for this platform (or the jcuda jar carries
   *     no version to name it by: then loading it decides); otherwise why not
   */
  static String missingReason(String osName, String osArch, ClassLoader loader) {
    String version = jcudaVersion(loader);
    if (version == null) {
      return null;
    }
    String classifier = classifier(osName, osArch);
    if (classifier == null) {
      return "no CUDA on " + osName + " " + osArch + ": JCuda " + version
          + " publishes native libraries for linux-x86_64 and windows-x86_64 only";
    }
    String library = classifier.startsWith("windows")
        ? "lib/JCudaDriver-" + version + "-" + classifier + ".dll"
        : "lib/libJCudaDriver-" + version + "-" + classifier + ".so";
    if (loader.getResource(library) == null) {
      return "no CUDA binding: jcuda-natives for " + classifier + " is not on the class path (add "
          + "org.jcuda:jcuda-natives:" + version + ":" + classifier + " and org.jcuda:jcublas-natives:" + version
          + ":" + classifier + ")";
    }
    return null;
  }

  /** JCuda's name for this platform, or null where it publishes no natives. */
  static String classifier(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT);
    boolean x64 = osArch.equals("amd64") || osArch.equals("x86_64");
    if (x64 && os.startsWith("linux")) {
      return "linux-x86_64";
    }
    if (x64 && os.startsWith("windows")) {
      return "windows-x86_64";
    }
    return null;
  }

  /** The version in the jcuda jar's Maven metadata (the natives carry it in their file names). */
  private static String jcudaVersion(ClassLoader loader) {
    URL pom = loader.getResource("META-INF/maven/org.jcuda/jcuda/pom.properties");
    if (pom == null) {
      return null;
    }
    try (InputStream in = pom.openStream()) {
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + pom, e);
    }
  }
}
