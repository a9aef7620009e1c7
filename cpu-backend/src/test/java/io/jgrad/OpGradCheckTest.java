package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.check.GradCheck;
import io.jgrad.conformance.OpCase;
import io.jgrad.conformance.OpCases;
import io.jgrad.testing.ReferenceBackendTest;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of the op table ({@link OpCases}: ops, compositions with broadcasting and fan-out, modules) gradient-checked
 * in float64 on the reference backend against central differences, on inputs away from kinks; and every op class of
 * this package reached by some row.
 */
class OpGradCheckTest extends ReferenceBackendTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.jgrad.conformance.OpCases#all")
  void gradientMatchesCentralDifferences(OpCase c) {
    assumeTrue(c.differentiable(), c.name() + " has no gradient");
    assumeTrue(c.dtypes().contains(DType.FLOAT64), c.name() + " rounds to 16 bits inside: no float64 check sees it");
    try (Scope ignored = Scope.open();
        OpCase.Instance instance = c.subject().build(backend, DType.FLOAT64, new Generator(c.seed()))) {
      List<Tensor> inputs = new ArrayList<>(List.of(c.inputs(backend, DType.FLOAT64)));
      inputs.addAll(instance.parameters());
      GradCheck.Result r = GradCheck.check(instance.f(), inputs.toArray(Tensor[]::new));
      assertTrue(r.passed(GradCheck.TOLERANCE), c.name() + ": " + r);
      inputs.forEach(t -> t.setGrad(null));
    }
  }

  /** An op class (a concrete Function of io.jgrad) that no row of the table reaches fails here. */
  @Test
  void everyOpClassHasARow() throws IOException, URISyntaxException {
    Set<String> reached = new TreeSet<>();
    for (OpCase c : OpCases.all()) {
      try (Scope ignored = Scope.open();
          OpCase.Instance instance = c.subject().build(backend, DType.FLOAT64, new Generator(c.seed()))) {
        Tensor[] inputs = c.inputs(backend, DType.FLOAT64);
        for (Tensor t : inputs) {
          t.requiresGrad(true);
        }
        for (Function fn : GraphNodes.of(instance.f().apply(inputs))) {
          reached.add(fn.getClass().getName());
        }
      }
    }
    Set<String> missing = opClasses();
    missing.removeAll(reached);
    assertTrue(missing.isEmpty(), "op classes without a row in OpCases: " + missing);
  }

  /** The concrete {@link Function} classes of this package, read from the jar or directory that holds them. */
  private static Set<String> opClasses() throws IOException, URISyntaxException {
    Path location = Path.of(Unary.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> names = new ArrayList<>();
    String dir = "io/jgrad/";
    if (Files.isDirectory(location)) {
      try (Stream<Path> files = Files.list(location.resolve(dir))) {
        files.forEach(f -> names.add(dir + f.getFileName()));
      }
    } else {
      try (JarFile jar = new JarFile(location.toFile())) {
        jar.stream().map(e -> e.getName()).filter(n -> n.startsWith(dir) && n.indexOf('/', dir.length()) < 0)
            .forEach(names::add);
      }
    }
    Set<String> ops = new TreeSet<>();
    for (String n : names) {
      if (!n.endsWith(".class") || n.contains("$") || n.endsWith("package-info.class")) {
        continue;
      }
      try {
        Class<?> c = Class.forName(n.substring(0, n.length() - ".class".length()).replace('/', '.'));
        if (Function.class.isAssignableFrom(c) && !java.lang.reflect.Modifier.isAbstract(c.getModifiers())) {
          ops.add(c.getName());
        }
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(n, e);
      }
    }
    assertTrue(ops.size() >= 10, "found only " + ops + " in " + location);
    return ops;
  }
}
