package io.jgrad.examples;

import io.jgrad.Backend;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * HotSpot compiler directives for a run on a CPU backend: the packages whose loops do the arithmetic (the kernels,
 * data decoding and copies, the host-side guard) are compiled by C2 as before; the framework's bookkeeping (tensors,
 * autograd, modules, optimizers' dispatch, the trainer, the CLI) only by C1. That bookkeeping runs a few times a step,
 * so C2 reached it in the second and third epochs of a run, in long compilations (the backward pass's loop alone took
 * 187 ms) on the cores the kernels use; C1's code for it costs nothing measurable at steady state. On the 2-core Intel
 * VM, 4 epochs of the Fashion-MNIST recipe ran 1.08–1.15× faster (epoch 2 1.25–1.28×) in 0.89–0.95× the wall time, 10
 * epochs 1.04×, with the same bits (docs/benchmarks.md, "C2 for the kernels only").
 *
 * <p>Installed through the DiagnosticCommand MBean's {@code compilerDirectivesAdd} (what {@code jcmd
 * Compiler.directives_add} does), which needs no diagnostic VM option; where the JVM lacks it (no jdk.management,
 * not HotSpot) the run goes on as before. {@code -Djgrad.jit.directives=false} turns it off. Once per JVM.
 */
public final class JitDirectives {
  private static final Logger log = System.getLogger(JitDirectives.class.getName());
  /** Set to {@code false} to leave the JIT's defaults alone. */
  static final String PROPERTY = "jgrad.jit.directives";
  /** Packages compiled by C2 as before, as HotSpot names them: their methods hold the per-element loops. */
  static final List<String> C2_PACKAGES = List.of(
      "io/jgrad/cpu", "io/jgrad/cuda", "io/jgrad/data", "io/jgrad/datasets", "io/jgrad/init", "io/jgrad/internal",
      "io/jgrad/interop", "io/jgrad/io", "io/jgrad/spi");
  /**
   * Packages compiled by C1 only, besides the classes of {@code io.jgrad} itself: what they run per step is a few
   * calls into the backend.
   */
  static final List<String> C1_PACKAGES = List.of(
      "io/jgrad/check", "io/jgrad/examples", "io/jgrad/loss", "io/jgrad/nn", "io/jgrad/optim", "io/jgrad/tools",
      "io/jgrad/train");

  /** Whether {@link #installInBackground} has started its thread: one per JVM. */
  private static final AtomicBoolean started = new AtomicBoolean();

  private JitDirectives() {}

  /**
   * The directives as HotSpot reads them. The first directive that matches a method decides, and a class pattern
   * matches every class whose name starts with it, so the C2 packages come before {@code io/jgrad/*}, which also
   * catches io.jgrad's own classes.
   */
  static String json() {
    String c2 = C2_PACKAGES.stream().map(p -> "\"" + p + "/*.*\"")
        .collect(Collectors.joining(", "));
    return "[\n"
        + "  { match: [" + c2 + "], c2: { Exclude: false } },\n"
        + "  { match: [\"io/jgrad/*.*\"], c2: { Exclude: true } }\n"
        + "]\n";
  }

  /** {@link #installInBackground} where {@code backend} is a CPU backend, the runs these directives are measured on. */
  public static void installFor(Backend backend) {
    if (backend.name().startsWith("cpu")) {
      installInBackground();
    }
  }

  /**
   * Installs the directives on a daemon thread of its own, once per JVM and unless {@value #PROPERTY} is {@code false}:
   * the platform MBean server it goes through takes about 100 ms to start, which the data set's loading then hides.
   * The bookkeeping reaches C2 only in the run's second epoch. Returns the thread, or null where it started none.
   */
  public static Thread installInBackground() {
    if ("false".equals(System.getProperty(PROPERTY)) || started.getAndSet(true)) {
      return null;
    }
    Thread t = new Thread(JitDirectives::install, "jgrad-jit-directives");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void install() {
    try {
      String answer = add(json());
      log.log(Level.DEBUG, "compiler directives: " + answer.strip());
    } catch (IOException | JMException | RuntimeException | LinkageError e) {
      log.log(Level.DEBUG, "compiler directives not installed; C2 compiles everything as usual", e);
    }
  }

  /** Pushes directives onto the JVM's stack; returns the JVM's answer ("2 compiler directives added"). */
  private static String add(String directives) throws IOException, JMException {
    Path file = Files.createTempFile("jgrad-jit", ".json");
    try {
      Files.writeString(file, directives, StandardCharsets.UTF_8);
      Object answer = ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
          new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
      return String.valueOf(answer);
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
