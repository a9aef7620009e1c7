package io.jgrad.structure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
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
 * descriptor exports. {@code io.jgrad} and {@code io.jgrad.spi} are one layer, the bottom one (Backend, in the root,
 * takes the SPI's types, which name DType and Shape; java.nio.channels and its spi are built the same way): every
 * package may use it; beyond the edges of the one known cycle, no dependency may close a cycle, and the module
 * exports every package but the internal ones to everyone.
 */
class PackageStructureTest {
  private static final String ROOT = "io.jgrad";

  /** The SPI of the root's Backend: one layer with the root, so a node of its own in no graph below. */
  private static final String SPI = ROOT + ".spi";

  /**
   * The one package cycle left, edge by edge: Tensor's math methods run the op classes of {@code io.jgrad.ops}, which
   * take Tensors; its {@code gradFn()} and {@code backward()} are autograd's, whose nodes hold Tensors; a Scope's
   * tensors close before the graph's. Breaking it means moving Tensor, the ops and the executor into one package (or
   * the ops behind an interface), so the list only shrinks: a new edge fails, and so does one that has gone.
   */
  private static final Set<String> KNOWN_CYCLE_EDGES = Set.of(
      "io.jgrad.Scope -> io.jgrad.autograd",
      "io.jgrad.Tensor -> io.jgrad.autograd",
      "io.jgrad.Tensor -> io.jgrad.ops");

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
  void theRootPackageReachesIntoOthersOnlyThroughTheKnownEdges() {
    Set<String> edges = new TreeSet<>();
    references.forEach((from, targets) -> {
      if (layerOf(ClassReferences.packageOf(from)).equals(ROOT)) {
        for (String to : targets) {
          String target = layerOf(ClassReferences.packageOf(to));
          if (!target.equals(ROOT) && !isInternal(target)) {
            edges.add(topLevel(from) + " -> " + target);
          }
        }
      }
    });
    assertEquals(new TreeSet<>(KNOWN_CYCLE_EDGES), edges,
        "classes of io.jgrad and io.jgrad.spi depend on these other packages; only the edges of KNOWN_CYCLE_EDGES "
            + "may (and must: remove an edge from the list once it is gone)");
  }

  @Test
  void withoutTheKnownEdgesThePackagesFormNoCycle() {
    Map<String, Set<String>> graph = new TreeMap<>();
    references.forEach((from, targets) -> {
      String source = layerOf(ClassReferences.packageOf(from));
      Set<String> out = graph.computeIfAbsent(source, p -> new TreeSet<>());
      for (String to : targets) {
        String target = layerOf(ClassReferences.packageOf(to));
        if (!target.equals(source) && !KNOWN_CYCLE_EDGES.contains(topLevel(from) + " -> " + target)) {
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
    assertTrue(references.get("io.jgrad.Tensor").contains("io.jgrad.ops.MatMul"), "Tensor.matmul runs MatMul");
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

  /** The package, or the root for the SPI: the two are one layer. */
  private static String layerOf(String pkg) {
    return pkg.equals(SPI) ? ROOT : pkg;
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
