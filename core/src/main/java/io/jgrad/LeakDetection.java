package io.jgrad;

import java.util.Locale;

/**
 * How closely a backend watches for tensors that are garbage-collected without having been closed (their memory, on a
 * device, is then lost until the backend closes). Like Netty's leak detector levels.
 */
public enum LeakDetection {
  /** Nothing is tracked: no cost. */
  OFF,
  /** One tensor in {@link LeakDetector#SAMPLING_INTERVAL} is tracked: a leak in a loop is found, at little cost. */
  SAMPLED,
  /** Every tensor is tracked, with where it was made: for tests and for hunting a leak. */
  ALL;

  /** The system property that sets the default level ({@code -Djgrad.leakDetection=sampled}). */
  public static final String PROPERTY = "jgrad.leakDetection";

  /** The level named by {@link #PROPERTY}, or OFF when it is not set. */
  public static LeakDetection fromSystemProperty() {
    String value = System.getProperty(PROPERTY);
    return value == null ? OFF : named(value);
  }

  /** off, sampled or all (any case). */
  public static LeakDetection named(String name) {
    for (LeakDetection level : values()) {
      if (level.name().equalsIgnoreCase(name.trim())) {
        return level;
      }
    }
    throw new IllegalArgumentException("unknown leak detection level '" + name + "'; expected off, sampled or all");
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
