package io.jgrad.examples.reliability;

import io.jgrad.examples.Jgrad;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** A {@code jgrad} command run in this JVM: its exit code and what it printed. */
record Cli(int code, String out, String err) {

  /** Runs {@code jgrad args...}; synchronized because it swaps the process-wide System.out and System.err. */
  static synchronized Cli run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Jgrad.run(args);
      return new Cli(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  /** The error lines that jgrad itself printed ("jgrad train: ..."), without log lines or JVM warnings. */
  String errorLine() {
    return err.lines().filter(l -> l.startsWith("jgrad ")).reduce((a, b) -> a + "\n" + b).orElse("");
  }
}
