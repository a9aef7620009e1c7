package io.jgrad.examples;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The command line's logging: notices (backend fallbacks, gradient warnings) as short lines on stderr, INFO and above,
 * so that stdout keeps the results whose last line scripts parse as JSON. Set up in code, found by logback through
 * {@code META-INF/services}: a {@code logback.xml} costs every command about 0.1 s of XML parsing and Joran's
 * machinery before its first notice (docs/benchmarks.md, "A command's start").
 *
 * <p>A configuration file given as {@code -Dlogback.configurationFile=FILE}, or a {@code logback-test.xml} on the
 * class path, still wins: this configurator then steps aside for logback's own.
 */
public final class CliLogging extends ContextAwareBase implements Configurator {
  /** The layout every notice takes: "WARN  the message". */
  static final String PATTERN = "%-5level %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null
        || CliLogging.class.getClassLoader().getResource(ClassicConstants.TEST_AUTOCONFIG_FILE) != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    toStderr(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Sends {@code context}'s events of INFO and above to stderr as {@link #PATTERN} lays them out. */
  static void toStderr(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(stderr);
  }
}
