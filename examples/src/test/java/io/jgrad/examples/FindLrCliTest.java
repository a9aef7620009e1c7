package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --find-lr}: the learning-rate range test on the bundled digits, a line a step with the rate growing
 * geometrically from 1e-7 towards 10, then the summary's readings of the curve, which name rates the lines hold.
 */
class FindLrCliTest {
  @TempDir Path dir;

  @Test
  void theRangeTestPrintsEachStepAndReadsTheCurve() throws IOException {
    Path png = dir.resolve("lr.png");
    CliRun r = CliRun.run("train", "--find-lr", "--hidden", "64", "--threads", "1", "--backend", "cpu",
        "--no-progress", "--plot", png.toString());
    assertEquals(0, r.code(), r.err());
    List<String> steps = r.lines().stream().filter(l -> l.contains("\"event\":\"lr_find\"")).toList();
    Map<String, String> s = r.summary();
    assertEquals(Integer.toString(steps.size()), s.get("find_lr_steps"));
    assertEquals(Boolean.toString(steps.size() < 100), s.get("diverged"), "stopped before the 100th step");
    double ratio = Math.pow(10 / 1e-7, 1 / 99.0);
    double lowest = Double.POSITIVE_INFINITY;
    double lowestLr = 0;
    for (int i = 0; i < steps.size(); i++) {
      Map<String, String> step = CliRun.fields(steps.get(i));
      assertEquals(Integer.toString(i + 1), step.get("step"));
      double lr = Double.parseDouble(step.get("lr"));
      assertEquals(1e-7 * Math.pow(ratio, i), lr, 1e-12 * lr, "step " + (i + 1));
      double smoothed = Double.parseDouble(step.get("smoothed_loss"));
      if (smoothed < lowest) {
        lowest = smoothed;
        lowestLr = lr;
      }
    }
    assertEquals(lowestLr, Double.parseDouble(s.get("minimum_lr")));
    assertEquals(lowestLr / 10, Double.parseDouble(s.get("suggested_lr")), 1e-15);
    double suggested = Double.parseDouble(s.get("suggested_lr"));
    assertTrue(suggested > 1e-4 && suggested < 0.1, "AdamW's suggested rate " + suggested);
    assertFalse(s.containsKey("test_accuracy"), "nothing was trained to test");
    java.awt.image.BufferedImage chart = javax.imageio.ImageIO.read(png.toFile());
    assertEquals(800, chart.getWidth(), "the curve drawn as a PNG");
    assertEquals(500, chart.getHeight());
  }

  @Test
  void optionsOfATrainingRunAreOneLineErrors() {
    Path saved = dir.resolve("m.safetensors");
    assertEquals("jgrad train: --save is for a training run; --find-lr trains nothing it keeps (run it, then train "
        + "with --lr set to its suggestion)", CliRun.run("train", "--find-lr", "--save", saved.toString(), "--backend",
            "cpu").errorLine());
    assertFalse(Files.exists(saved));
  }
}
