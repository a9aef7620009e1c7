package io.jgrad.examples.reliability;

import io.jgrad.examples.CliRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every bad {@code jgrad train} option value is exit code 1 and one line on stderr saying what is wrong. */
class CliMisuseTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      --epochs -1                     | --epochs must be >= 0, got -1
      --hidden 32,0                   | --hidden widths must be >= 1, got [32, 0]
      --dropout 1                     | --dropout must be in [0, 1), got 1.0
      --dropout -0.1                  | --dropout must be in [0, 1), got -0.1
      --checkpoint-segments -1        | --checkpoint-segments must be >= 0, got -1
      --warm-up -1                    | --warm-up must be >= 0, got -1
      --on-nonfinite maybe            | unknown --on-nonfinite 'maybe'; expected skip or stop
      --batch 0                       | batch size must be at least 1, got 0
      --threads 0                     | threads must be at least 1, got 0
      --lr 0                          | --lr must be a finite number > 0, got 0.0
      --lr NaN                        | --lr must be a finite number > 0, got NaN
      --lr Infinity                   | --lr must be a finite number > 0, got Infinity
      --label-smoothing 1             | label smoothing must be in [0, 1), got 1.0
      --clip-norm -1                  | --clip-norm must be a finite number >= 0, got -1.0
      --weight-decay -1               | --weight-decay must be a finite number >= 0, got -1.0
      --weight-decay Infinity         | --weight-decay must be a finite number >= 0, got Infinity
      --optimizer sgd --momentum -1   | --momentum must be a finite number >= 0, got -1.0
      --max-skipped-steps 0           | --max-skipped-steps must be >= 1, got 0
      --threads 100000                | threads must be at most
      --data /tmp                     | --data /tmp needs --dataset (mnist, fashion-mnist, cifar10, csv, images or npz)
      --dataset digits --data /tmp    | --dataset digits is bundled and reads no --data (got --data /tmp)
      --optimizer rmsprop             | unknown --optimizer 'rmsprop'; expected sgd, adam or adamw
      --schedule linear               | unknown --schedule 'linear'; expected cosine, onecycle, constant, plateau or step
      --model vgg                     | unknown --model 'vgg'; expected mlp, cnn or resnet
      --depth 21                      | --depth is for --model resnet
      --augment maybe                 | unknown --augment 'maybe'; expected auto, on or off
      --leak-detection some           | unknown --leak-detection 'some'; expected off, sampled or all
      --optimizer SGD                 | unknown --optimizer 'SGD'; expected sgd, adam or adamw
      --activation swish              | unknown activation 'swish'
      --backend tpu                   | unknown backend tpu
      --dataset imagenet              | unknown --dataset 'imagenet'; expected digits, mnist, fashion-mnist, cifar10, csv, images or npz
      --dataset mnist                 | --dataset mnist needs --data DIR (the directory holding its files)
      --resume /nonexistent/ckpt.safetensors | /nonexistent/ckpt.safetensors: no such file
      --lr abc                        | Invalid value for option '--lr': 'abc' is not a double (see jgrad train --help)
      --epochs 2x                     | Invalid value for option '--epochs': '2x' is not an int
      --bogus                         | Unknown option: '--bogus' (see jgrad train --help)
      --hiden 64                      | Unknown options: '--hiden', '64'; did you mean --hidden?
      --epochs                        | Missing required parameter for option '--epochs'
      """)
  void aBadOptionIsAOneLineError(String options, String fragment) {
    // Each value is rejected before the first training step, so the defaults cost only the data loading.
    CliRun r = CliRun.run(("train --no-progress " + options).split(" +"));
    assertEquals(1, r.code(), r.out());
    String line = r.errorLine();
    assertEquals(1, line.lines().count(), r.err());
    assertTrue(line.startsWith("jgrad train: ") && line.contains(fragment), line);
  }

  /** A command line that does not parse is one line too, at every level, not a message and the whole usage. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      trian                           | jgrad: Unmatched argument at index 0: 'trian'; did you mean train?
      bench gem                       | jgrad bench: Unmatched argument at index 1: 'gem'; did you mean gemm
      bench train --steps many        | jgrad bench train: Invalid value for option '--steps': 'many' is not an int
      eval --top-k                    | jgrad eval: Missing required parameter for option '--top-k'
      """)
  void aCommandLineThatDoesNotParseIsOneLine(String args, String fragment) {
    CliRun r = CliRun.run(args.split(" +"));
    assertEquals(1, r.code(), r.out());
    List<String> lines = r.err().lines().filter(l -> l.startsWith("jgrad")).toList();
    assertEquals(1, lines.size(), r.err());
    assertTrue(lines.get(0).startsWith(fragment), lines.get(0));
    assertTrue(r.out().isEmpty() && !r.err().contains("Usage:"), r.err());
  }

  @ParameterizedTest(name = "--on-nonfinite {0} --max-skipped-steps {1}")
  @CsvSource({"stop, 50, 1", "skip, 50, 1", "skip, 100, 0"})
  void aDivergingRunStopsOrSkipsAsAsked(String policy, int maxSkipped, int code) {
    // Step 1 at lr 1e30 leaves finite but huge weights; steps 2 to 63 (the epoch's last) have a NaN loss.
    CliRun r = CliRun.run("train", "--epochs", "1", "--hidden", "8", "--no-progress", "--backend", "cpu", "--optimizer",
        "sgd", "--lr", "1e30", "--schedule", "constant", "--on-nonfinite", policy, "--max-skipped-steps",
        Integer.toString(maxSkipped));
    assertEquals(code, r.code(), r.err());
    if (policy.equals("stop")) {
      assertEquals("jgrad train: non-finite gradient (loss NaN) first in the loss at optimizer step 2: step skipped,"
          + " model unchanged", r.errorLine());
    } else if (code == 1) {
      assertTrue(r.errorLine().startsWith("jgrad train: 50 steps in a row skipped as non-finite (limit 50): the run "
          + "has diverged"), r.err());
    } else {
      assertTrue(r.out().lines().reduce((a, b) -> b).orElseThrow().contains("\"train_loss\":null"), r.out());
    }
  }
}
