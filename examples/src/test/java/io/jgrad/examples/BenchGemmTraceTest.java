package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code jgrad bench gemm --trace}: one product's rate in 200 ms windows, for telling a slow machine from slow code.
 */
class BenchGemmTraceTest {

  @Test
  void tracePrintsOneLinePerWindowOfTheGivenProduct() throws IOException {
    CliRun r = CliRun.run("bench", "gemm", "--backend", "cpu-scalar", "--trace", "0.5", "--shape", "64x32x48:TN");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.lines().size() >= 2, r.out());
    double last = 0;
    double best = 0;
    for (String line : r.lines()) {
      Map<String, String> f = CliRun.fields(line);
      assertEquals(Map.of("bench", "gemm", "event", "trace", "backend", "cpu-scalar", "m", "64", "n", "32", "k", "48",
          "trans", "TN"), Map.of("bench", f.get("bench"), "event", f.get("event"), "backend", f.get("backend"), "m",
          f.get("m"), "n", f.get("n"), "k", f.get("k"), "trans", f.get("trans")));
      double t = Double.parseDouble(f.get("t_s"));
      assertTrue(t > last, line);
      last = t;
      // A rate, not a figure: on a machine loaded by other processes one window can round to 0.0 GFLOP/s.
      double gflops = Double.parseDouble(f.get("gflops"));
      assertTrue(gflops >= 0 && Double.isFinite(gflops), line);
      best = Math.max(best, gflops);
    }
    assertTrue(best > 0, "no window measured a product: " + r.out());
  }

  /** {@code bench gemm}'s MLP products are the ones a 784-512-256-10 step runs, as {@code bench train --profile} names them. */
  @Test
  void theMlpProductsAreThoseOfATrainingStep() throws IOException {
    CliRun step = CliRun.run("bench", "train", "--backend", "cpu", "--threads", "1", "--windows", "1", "--steps", "1",
        "--max-warmup", "0", "--profile");
    assertEquals(0, step.code(), step.err());
    Set<String> profiled = new TreeSet<>();
    for (String line : step.lines()) {
      String kernel = CliRun.fields(line).get("kernel");
      if (kernel != null && kernel.startsWith("gemm ")) {
        profiled.add(kernel);
      }
    }
    CliRun gemm = CliRun.run("bench", "gemm", "--backend", "cpu-scalar", "--sizes", "16");
    assertEquals(0, gemm.code(), gemm.err());
    Set<String> benched = new TreeSet<>();
    for (String line : gemm.lines()) {
      Map<String, String> f = CliRun.fields(line);
      if (!f.get("m").equals("16")) {
        benched.add("gemm " + f.get("trans") + " " + f.get("m") + "x" + f.get("n") + "x" + f.get("k"));
      }
    }
    assertEquals(8, profiled.size(), profiled.toString());
    assertEquals(profiled, benched);
  }

  @Test
  void aMalformedShapeIsAOneLineErrorNamingIt() {
    CliRun r = CliRun.run("bench", "gemm", "--trace", "1", "--shape", "16x8:NT");
    assertEquals(1, r.code(), r.out());
    assertEquals("jgrad bench gemm: --shape: expected MxNxK or MxNxK:TT (T or N each), got '16x8:NT'", r.errorLine());
  }
}
