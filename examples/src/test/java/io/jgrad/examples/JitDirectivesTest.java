package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.testing.ChildJvm;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class JitDirectivesTest {
  @Test
  void theKernelPackagesComeBeforeTheCatchAllThatExcludesC2() {
    String json = JitDirectives.json();
    int keep = json.indexOf("\"io/jgrad/cpu/*.*\"");
    int exclude = json.indexOf("\"io/jgrad/*.*\"");
    assertTrue(keep >= 0 && exclude > keep, json);
    assertTrue(json.substring(keep, exclude).contains("Exclude: false"), json);
    assertTrue(json.substring(exclude).contains("Exclude: true"), json);
  }

  /** A package added to any module must be placed on one side: a new kernel package left to C1 would run slowly. */
  @Test
  void everyPackageOfTheProjectIsOnOneSide() throws IOException {
    Set<String> found = new TreeSet<>();
    try (Stream<Path> modules = Files.list(Path.of("..").toAbsolutePath().normalize())) {
      for (Path module : modules.toList()) {
        Path sources = module.resolve("src/main/java/io/jgrad");
        if (!Files.isDirectory(sources)) {
          continue;
        }
        try (Stream<Path> dirs = Files.walk(sources)) {
          dirs.filter(d -> !d.equals(sources) && Files.isDirectory(d))
              .map(d -> "io/jgrad/" + sources.relativize(d).toString().replace(File.separatorChar, '/'))
              .forEach(found::add);
        }
      }
    }
    assertTrue(found.contains("io/jgrad/cpu") && found.contains("io/jgrad/nn"), "no sources found: " + found);
    List<String> placed = new ArrayList<>(JitDirectives.C2_PACKAGES);
    placed.addAll(JitDirectives.C1_PACKAGES);
    // A class pattern matches by prefix: a subpackage goes with its parent.
    List<String> missing = found.stream()
        .filter(p -> placed.stream().noneMatch(q -> p.equals(q) || p.startsWith(q + "/")))
        .toList();
    assertEquals(List.of(), missing, "packages in neither list of JitDirectives");
    for (String p : JitDirectives.C2_PACKAGES) {
      assertFalse(JitDirectives.C1_PACKAGES.contains(p), p + " is in both lists");
    }
  }

  @Test
  void theJvmTakesThemAndTheCatchAllExcludesC2() throws Exception {
    String printed = child();
    int keep = printed.indexOf("io/jgrad/cpu/*.*");
    int exclude = printed.indexOf("matching: io/jgrad/*.*");
    assertTrue(keep >= 0 && exclude > keep, printed);
    assertEquals(exclude, printed.lastIndexOf("matching: io/jgrad/*.*"), "installed more than once: " + printed);
    Matcher c2 = Pattern.compile("c2 directives:[^E]*Enable:(\\w+) Exclude:(\\w+)").matcher(printed);
    assertTrue(c2.find(keep) && c2.group(2).equals("false"), printed);
    assertTrue(c2.find(exclude) && c2.group(1).equals("true") && c2.group(2).equals("true"), printed);
  }

  @Test
  void thePropertyLeavesTheJitAlone() throws Exception {
    assertFalse(child("-D" + JitDirectives.PROPERTY + "=false").contains("io/jgrad"));
  }

  /** Runs {@link #main} in a JVM with these options and returns what it printed. */
  private static String child(String... options) throws Exception {
    return ChildJvm.run(List.of(options), JitDirectivesTest.class).out();
  }

  /**
   * Asks for the directives twice (the second starts nothing), waits for the installing thread and prints the JVM's
   * directive stack.
   */
  public static void main(String[] args) throws Exception {
    Thread installing = JitDirectives.installInBackground();
    if (JitDirectives.installInBackground() != null) {
      throw new IllegalStateException("a second installing thread");
    }
    if (installing != null) {
      installing.join();
    }
    Object printed = ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesPrint",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    System.out.println(printed);
  }
}
