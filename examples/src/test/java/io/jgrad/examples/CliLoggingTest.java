package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class CliLoggingTest {
  @Test
  void noticesAreShortLinesOnStderrFromInfoUp() {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter()); // what logback's service provider gives the CLI's context
    CliLogging.toStderr(context);
    Logger log = context.getLogger("io.jgrad.cpu.CpuBackend");
    String err = stderrOf(() -> {
      log.debug("not shown");
      log.info("cuda unavailable, training on cpu");
      log.warn("gradient norm is not finite");
      log.error("stopped", new IllegalStateException("the cause"));
    });
    String[] lines = err.split(System.lineSeparator());
    assertEquals("INFO  cuda unavailable, training on cpu", lines[0]);
    assertEquals("WARN  gradient norm is not finite", lines[1]);
    assertEquals("ERROR stopped", lines[2]);
    // As logback's pattern layouts do, an event's exception follows its line.
    assertEquals("java.lang.IllegalStateException: the cause", lines[3]);
    assertTrue(lines[4].strip().startsWith("at io.jgrad.examples.CliLoggingTest"), lines[4]);
    context.stop();
  }

  @Test
  void logbackFindsItAsAService() {
    assertTrue(ServiceLoader.load(Configurator.class).stream().anyMatch(p -> p.type() == CliLogging.class),
        "META-INF/services names CliLogging");
  }

  @Test
  void aTestConfigurationOnTheClassPathWins() {
    // The tests' logback-test.xml is on this class path: logback's own configurator is to read it.
    assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, new CliLogging().configure(new LoggerContext()));
  }

  private static String stderrOf(Runnable body) {
    PrintStream saved = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setErr(saved);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
