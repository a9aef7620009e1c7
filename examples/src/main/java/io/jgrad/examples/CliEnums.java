package io.jgrad.examples;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.TypeConversionException;

/**
 * Enum-typed options, one rule for all: a constant is spelled in lower case with '-' for '_' ({@code FASHION_MNIST}
 * is {@code fashion-mnist}, {@code FP16} is {@code fp16}), picocli converts the text, and a value that is no constant
 * is one line naming the option and the values it takes ({@code unknown --optimizer 'rmsprop'; expected sgd, adam or
 * adamw}: {@link #unknownValue}, which {@link Jgrad}'s parse-error handler prints), exit code 1, as every other bad
 * option value.
 */
public final class CliEnums {
  private CliEnums() {}

  /** The command line's spelling of {@code constant}; null for null (an option not given). */
  public static String label(Enum<?> constant) {
    return constant == null ? null : constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The values of {@code type} as a sentence ends them: "sgd, adam or adamw". */
  static String alternatives(Class<?> type) {
    String[] labels = Arrays.stream(type.getEnumConstants()).map(c -> label((Enum<?>) c)).toArray(String[]::new);
    if (labels.length == 1) {
      return labels[0];
    }
    return String.join(", ", Arrays.copyOf(labels, labels.length - 1)) + " or " + labels[labels.length - 1];
  }

  /**
   * Teaches {@code cli} (its subcommands and mixins too) to convert every enum its options take; {@link #unknownValue}
   * words a value that is none of the constants. Returns cli.
   */
  static CommandLine install(CommandLine cli) {
    Set<Class<?>> types = new HashSet<>();
    collect(cli.getCommandSpec(), types);
    for (Class<?> type : types) {
      register(cli, type);
    }
    return cli;
  }

  /** "unknown --option 'value'; expected a, b or c" when {@code e} is an enum option's bad value, else null. */
  static String unknownValue(CommandLine.ParameterException e) {
    ArgSpec arg = e.getArgSpec();
    Class<?> type = arg instanceof OptionSpec o ? enumType(o) : null;
    if (type == null || e.getValue() == null) {
      return null;
    }
    return "unknown " + ((OptionSpec) arg).longestName() + " '" + e.getValue() + "'; expected " + alternatives(type);
  }

  private static void collect(CommandSpec spec, Set<Class<?>> types) {
    for (OptionSpec o : spec.options()) {
      Class<?> type = enumType(o);
      if (type != null) {
        types.add(type);
      }
    }
    for (CommandLine sub : spec.subcommands().values()) {
      collect(sub.getCommandSpec(), types);
    }
  }

  /** The enum an option takes, alone or as the elements of a list; null if none. */
  private static Class<?> enumType(OptionSpec o) {
    Class<?>[] aux = o.auxiliaryTypes();
    Class<?> type = o.type().isEnum() ? o.type() : aux.length == 1 && aux[0].isEnum() ? aux[0] : null;
    return type;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void register(CommandLine cli, Class<?> type) {
    cli.registerConverter((Class) type, text -> {
      for (Object c : type.getEnumConstants()) {
        if (label((Enum<?>) c).equals(text)) {
          return c;
        }
      }
      throw new TypeConversionException("expected " + alternatives(type) + ", got '" + text + "'");
    });
  }
}
