package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --precision}: bf16 trains, its summary says so, and it saves half the activation bytes of fp32. */
class PrecisionCliTest {

  @Test
  void bf16TrainsAndTheSummaryRecordsThePrecision() throws IOException {
    Map<String, String> fp32 = train("fp32");
    Map<String, String> bf16 = train("bf16");
    assertEquals("fp32", fp32.get("precision"));
    assertEquals("bf16", bf16.get("precision"));
    assertTrue(Double.parseDouble(bf16.get("test_accuracy")) > 0.85, bf16.toString());
    double ratio = Double.parseDouble(bf16.get("peak_activation_bytes"))
        / Double.parseDouble(fp32.get("peak_activation_bytes"));
    assertTrue(ratio <= 0.55, "bf16 / fp32 activation bytes " + ratio);
  }

  @Test
  void anUnknownPrecisionIsAOneLineError() {
    CliRun r = CliRun.run("train", "--precision", "fp8", "--epochs", "1");
    assertEquals(1, r.code(), r.out());
    assertTrue(r.errorLine().contains("unknown --precision 'fp8'; expected fp32, bf16 or fp16"), r.errorLine());
  }

  private static Map<String, String> train(String precision) throws IOException {
    CliRun r = CliRun.run("train", "--epochs", "1", "--hidden", "64", "--lr", "0.003", "--no-progress", "--backend",
        "cpu", "--precision", precision);
    assertEquals(0, r.code(), r.err());
    return r.summary();
  }
}
