package io.jgrad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's code, as printed: every ```java block compiles on its own against jgrad's jars (imports and all), the
 * first one runs, and the project the embedding test builds (src/it/embed) is the README's, class and dependencies.
 */
class ReadmeSnippetsTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Path EMBED = Path.of("src", "it", "embed");

  @TempDir Path classes;

  @Test
  void everyJavaBlockCompilesAndTheFirstRuns() throws Exception {
    List<String> blocks = blocks("java");
    assertTrue(blocks.size() >= 2, "java blocks in the README: " + blocks.size());
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      List<JavaFileObject> units = new ArrayList<>();
      for (String block : blocks) {
        units.add(new Snippet(className(block), block));
      }
      List<String> options = List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path"));
      boolean ok = javac.getTask(null, files, diagnostics, options, null, units).call();
      assertTrue(ok, "README snippets do not compile: " + diagnostics.getDiagnostics());
    }

    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream out = System.out;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      loader.loadClass(className(blocks.get(0))).getMethod("main", String[].class).invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(out);
    }
    String printed = captured.toString(StandardCharsets.UTF_8);
    assertTrue(printed.matches("(?s)\\d+\\.\\d+ Tensor\\(\\[3,4\\], float32, .*"),
        "the first snippet printed: " + printed);
  }

  @Test
  void theEmbeddingTestRunsTheReadmesTrainDigits() throws Exception {
    String trainDigits = blocks("java").stream().filter(b -> className(b).equals("TrainDigits")).findFirst()
        .orElseThrow(() -> new AssertionError("no TrainDigits block in the README"));
    assertEquals(Files.readString(EMBED.resolve("src/main/java/TrainDigits.java")), trainDigits);
  }

  @Test
  void theEmbeddingTestUsesTheReadmesDependenciesAndVersion() throws Exception {
    String maven = blocks("xml").get(0);
    String pom = Files.readString(EMBED.resolve("pom.xml"));
    assertEquals(jgradArtifacts(maven), jgradArtifacts(pom));
    assertTrue(maven.contains("<version>" + System.getProperty("jgrad.version") + "</version>"), maven);
    assertTrue(pom.contains("<artifactId>jgrad-bom</artifactId>") && maven.contains("<scope>import</scope>"), maven);
    String gradle = blocks("kotlin").get(0);
    assertTrue(gradle.contains("io.jgrad:jgrad-bom:" + System.getProperty("jgrad.version")), gradle);
    for (String artifact : jgradArtifacts(maven)) {
      assertTrue(artifact.equals("jgrad-bom") || gradle.contains("\"io.jgrad:" + artifact + "\""), artifact);
    }
  }

  /** The fenced blocks of one language, in README order, each exactly as printed. */
  private static List<String> blocks(String language) throws Exception {
    Matcher m = Pattern.compile("(?ms)^```" + language + "\\n(.*?)^```$").matcher(Files.readString(README));
    List<String> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  private static String className(String block) {
    Matcher m = Pattern.compile("public class (\\w+)").matcher(block);
    assertTrue(m.find(), "a java block without a public class (so not compilable as printed):\n" + block);
    return m.group(1);
  }

  private static TreeSet<String> jgradArtifacts(String xml) {
    Matcher m = Pattern.compile("<groupId>io\\.jgrad</groupId>\\s*<artifactId>([\\w-]+)</artifactId>").matcher(xml);
    TreeSet<String> artifacts = new TreeSet<>();
    while (m.find()) {
      artifacts.add(m.group(1));
    }
    return artifacts;
  }

  /** One README block as a source file named for its class. */
  private static final class Snippet extends SimpleJavaFileObject {
    private final String code;

    Snippet(String className, String code) {
      super(Path.of(className + ".java").toUri(), Kind.SOURCE);
      this.code = code;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return code;
    }
  }
}
