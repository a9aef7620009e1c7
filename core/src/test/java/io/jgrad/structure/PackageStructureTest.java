package io.jgrad.structure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of core's packages, checked on the compiled classes: which packages depend on which, and what the module
 * descriptor exports. {@code io.jgrad} with its SPI ({@code io.jgrad.spi}: Backend, in the root, takes the SPI's types,
 * which name DType and Shape, as java.nio.channels and its spi do) and its internals ({@code io.jgrad.internal}: the
 * accessor Tensor installs) is one layer, the bottom one: every package may use it, it uses no other, and no
 * dependency closes a cycle. The module exports every package but the internal ones to everyone, and the root
 * package's public types are the user API listed here.
 */
class PackageStructureTest {
  private static final String ROOT = "io.jgrad";

  /** The SPI of the root's Backend: one layer with the root, so a node of its own in no graph below. */
  private static final String SPI = ROOT + ".spi";

  /**
   * The root package's public types: what a user trains with (Tensor and its math, which runs the package-private op
   * classes beside it; autograd's scopes; backends as handles). A type only backend authors need goes in {@code
   * io.jgrad.spi}, plumbing in {@code io.jgrad.internal} or package-private: a new public type here fails until it is
   * added on purpose.
   */
  private static final Set<String> ROOT_API = Set.of(
      "ActivationMemory", "Autocast", "Backend", "BackendOptions", "Backends", "Checkpoint", "Conv2dOptions", "DType",
      "Function", "Functional", "Generator", "LeakDetection", "LeakDetector", "MemoryCapacity", "MemoryStats", "NoGrad",
      "Scope", "Shape", "SlowPath", "Tensor", "Transposed", "UnaryOp", "Window2d");

  /** The modules the internal packages may be exported to: the backends, which implement kernels with them. */
  private static final Set<String> BACKEND_MODULES = Set.of("io.jgrad.cpu", "io.jgrad.cuda");

  private static Path classes;
  private static Map<String, Set<String>> references;

  @BeforeAll
  static void readClasses() throws URISyntaxException {
    classes = Path.of(Tensor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertTrue(Files.isDirectory(classes), "core's classes are read from a directory, got " + classes);
    references = ClassReferences.of(classes);
    assertTrue(references.containsKey("io.jgrad.Tensor"), "no Tensor among " + references.size() + " classes");
  }

  @Test
  void theRootLayerReachesIntoNoOtherPackage() {
    Set<String> edges = new TreeSet<>();
    references.forEach((from, targets) -> {
      if (layerOf(ClassReferences.packageOf(from)).equals(ROOT)) {
        for (String to : targets) {
          String target = layerOf(ClassReferences.packageOf(to));
          if (!target.equals(ROOT)) {
            edges.add(topLevel(from) + " -> " + target);
          }
        }
      }
    });
    assertEquals(Set.of(), edges, "classes of io.jgrad, io.jgrad.spi and io.jgrad.internal depend on these packages, "
        + "which all depend on io.jgrad: a cycle");
  }

  @Test
  void theRootPackagesPublicTypesAreTheUserApi() throws ClassNotFoundException {
    Set<String> found = new TreeSet<>();
    for (String name : references.keySet()) {
      if (ClassReferences.packageOf(name).equals(ROOT) && !name.contains("$") && !name.contains("-")) {
        Class<?> c = Class.forName(name, false, PackageStructureTest.class.getClassLoader());
        if (Modifier.isPublic(c.getModifiers())) {
          found.add(c.getSimpleName());
        }
      }
    }
    assertEquals(new TreeSet<>(ROOT_API), found, "public types of io.jgrad: a type for backend authors belongs in "
        + "io.jgrad.spi, plumbing in io.jgrad.internal or package-private; user API is added to ROOT_API");
  }

  @Test
  void thePackagesFormNoCycle() {
    Map<String, Set<String>> graph = new TreeMap<>();
    references.forEach((from, targets) -> {
      String source = layerOf(ClassReferences.packageOf(from));
      Set<String> out = graph.computeIfAbsent(source, p -> new TreeSet<>());
      for (String to : targets) {
        String target = layerOf(ClassReferences.packageOf(to));
        if (!target.equals(source)) {
          out.add(target);
        }
      }
    });
    assertEquals(List.of(), cycles(graph), "package cycles (each a strongly connected set of packages)");
  }

  @Test
  void theCycleFinderFindsAPlantedCycleAndTheReaderSeesTensorsOps() {
    Map<String, Set<String>> graph = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a", "d"), "d", Set.of());
    assertEquals(List.of(Set.of("a", "b", "c")), cycles(graph));
    assertTrue(references.get("io.jgrad.Tensor").contains("io.jgrad.MatMul"), "Tensor.matmul runs MatMul");
  }

  @Test
  void theModuleExportsTheApiToAllAndInternalPackagesOnlyToTheBackends() throws IOException {
    Path info = classes.resolve("module-info.class");
    assertTrue(Files.exists(info), "core has a module descriptor (core/src/main/java/module-info.java)");
    ModuleDescriptor module;
    try (InputStream in = Files.newInputStream(info)) {
      module = ModuleDescriptor.read(in);
    }
    assertEquals(ROOT, module.name());
    Map<String, Exports> exports = new HashMap<>();
    module.exports().forEach(e -> exports.put(e.source(), e));
    Set<String> packages = new TreeSet<>();
    references.keySet().forEach(c -> packages.add(ClassReferences.packageOf(c)));
    for (String p : packages) {
      Exports e = exports.get(p);
      if (isInternal(p)) {
        assertTrue(e == null || e.isQualified() && BACKEND_MODULES.containsAll(e.targets()),
            p + " is internal: export it to the backend modules only (" + BACKEND_MODULES + "), got " + e);
      } else {
        assertTrue(e != null && !e.isQualified(), p + " is API: the module must export it to everyone, got " + e);
      }
    }
    assertTrue(packages.containsAll(exports.keySet()), "exports of packages that do not exist: " + exports.keySet());
  }

  /** The package, or the root for the SPI and the internal packages: the three are one layer. */
  private static String layerOf(String pkg) {
    return pkg.equals(SPI) || isInternal(pkg) ? ROOT : pkg;
  }

  private static boolean isInternal(String pkg) {
    return pkg.equals(ROOT + ".internal") || pkg.startsWith(ROOT + ".internal.");
  }

  /** io.jgrad.Tensor for io.jgrad.Tensor$1: an edge belongs to the class whose source holds it. */
  private static String topLevel(String className) {
    int nested = className.indexOf('$');
    return nested < 0 ? className : className.substring(0, nested);
  }

  /** The strongly connected components of more than one package (Tarjan), each sorted, in a stable order. */
  private static List<Set<String>> cycles(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    List<String> stack = new ArrayList<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> out = new ArrayList<>();
    for (String v : graph.keySet()) {
      if (!index.containsKey(v)) {
        connect(v, graph, index, low, stack, onStack, out);
      }
    }
    return out;
  }

  private static void connect(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
      Map<String, Integer> low, List<String> stack, Set<String> onStack, List<Set<String>> out) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.add(v);
    onStack.add(v);
    for (String w : graph.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        connect(w, graph, index, low, stack, onStack, out);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.remove(stack.size() - 1);
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        out.add(component);
      }
    }
  }
}
