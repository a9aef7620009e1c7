package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code jgrad bench train} with the recipe's options: both loops run AdamW with a cosine schedule, dropout and label
 * smoothing, say so on every line, and the trainer loop reports its evaluation time apart; both in one run take turns.
 */
class BenchTrainLoopTest {
  private static final String[] RECIPE = {"bench", "train", "--backend", "cpu", "--threads", "1", "--hidden", "8",
      "--batch", "4", "--windows", "2", "--steps", "3", "--max-warmup", "1", "--optimizer", "adamw", "--schedule",
      "cosine", "--dropout", "0.2", "--label-smoothing", "0.1"};

  @Test
  void bothLoopsRunTheRecipeAndSaySo() throws IOException {
    for (String loop : new String[] {"preloaded", "trainer"}) {
      CliRun r = CliRun.run(RECIPE, "--loop", loop);
      assertEquals(0, r.code(), r.err());
      List<Map<String, String>> windows = new ArrayList<>();
      Map<String, String> summary = null;
      for (String line : r.lines()) {
        Map<String, String> f = CliRun.fields(line);
        if ("window".equals(f.get("event"))) {
          windows.add(f);
        } else if ("summary".equals(f.get("event"))) {
          summary = f;
        }
      }
      assertEquals(2, windows.size(), r.out());
      assertTrue(summary != null, r.out());
      for (Map<String, String> f : List.of(windows.get(0), windows.get(1), summary)) {
        assertEquals(loop, f.get("loop"), f.toString());
        assertEquals("adamw", f.get("optimizer"), f.toString());
        assertEquals("cosine", f.get("schedule"), f.toString());
        assertEquals("0.2", f.get("dropout"), f.toString());
        assertEquals("0.1", f.get("label_smoothing"), f.toString());
        assertTrue(Double.parseDouble(f.get("samples_per_sec")) > 0, f.toString());
      }
      for (Map<String, String> w : windows) {
        // Evaluation runs after each trainer epoch and is timed apart; the preloaded loop has none.
        assertEquals(loop.equals("trainer"), w.containsKey("eval_ms"), w.toString());
        assertTrue(!w.containsKey("eval_ms") || Double.parseDouble(w.get("eval_ms")) >= 0, w.toString());
      }
    }
  }

  @Test
  void bothLoopsTakeTurnsAndTheTrainerReportsItsRatio() throws IOException {
    CliRun r = CliRun.run(RECIPE, "--loop", "preloaded,trainer");
    assertEquals(0, r.code(), r.err());
    List<String> windowLoops = new ArrayList<>();
    List<Map<String, String>> summaries = new ArrayList<>();
    for (String line : r.lines()) {
      Map<String, String> f = CliRun.fields(line);
      if ("window".equals(f.get("event"))) {
        windowLoops.add(f.get("loop"));
      } else if ("summary".equals(f.get("event"))) {
        summaries.add(f);
      }
    }
    // Window 0 runs preloaded first, window 1 trainer first: a slow period of the machine hits both alike.
    assertEquals(List.of("preloaded", "trainer", "trainer", "preloaded"), windowLoops, r.out());
    assertEquals(2, summaries.size(), r.out());
    assertEquals("preloaded", summaries.get(0).get("loop"));
    assertEquals("trainer", summaries.get(1).get("loop"));
    assertTrue(Double.parseDouble(summaries.get(1).get("ratio_to_preloaded")) > 0, summaries.get(1).toString());
  }

  @Test
  void anUnknownLoopIsAOneLineErrorNamingIt() {
    CliRun r = CliRun.run("bench", "train", "--loop", "eager");
    assertEquals(1, r.code(), r.out());
    assertEquals("jgrad bench train: unknown --loop 'eager'; expected preloaded or trainer", r.errorLine());
  }
}
