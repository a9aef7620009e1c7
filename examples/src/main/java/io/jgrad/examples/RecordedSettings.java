package io.jgrad.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * What {@code train --resume} does with the settings a checkpoint recorded (option name without "--" → value): each
 * one the command line leaves out is taken from the checkpoint, and one given explicitly must agree with it. A resumed
 * run is the recorded run continued, never a silent mix of two runs.
 */
final class RecordedSettings {
  private RecordedSettings() {}

  /**
   * The command line to parse again: the original arguments plus {@code --name value} for every recorded option that
   * was not given.
   *
   * @param given this command's settings as {@code recorded} would write them (canonical values)
   * @throws IllegalArgumentException naming both values when an explicit option contradicts the checkpoint
   */
  static String[] merge(Map<String, String> recorded, Map<String, String> given, CommandSpec spec, Path checkpoint) {
    ParseResult parsed = spec.commandLine().getParseResult();
    List<String> original = parsed.originalArgs(); // the whole command line: "train" and what follows it
    List<String> args = new ArrayList<>(original.subList(original.indexOf(spec.name()) + 1, original.size()));
    for (Map.Entry<String, String> e : recorded.entrySet()) {
      String option = "--" + e.getKey();
      if (spec.findOption(option) == null) {
        continue; // not an option (e.g. the schedule's planned length): the command reads it itself
      }
      String value = canonical(e.getKey(), e.getValue());
      if (!parsed.hasMatchedOption(option)) {
        args.add(option);
        args.add(value);
      } else if (!value.equals(given.get(e.getKey()))) {
        throw new IllegalArgumentException(option + " " + given.get(e.getKey()) + " contradicts " + checkpoint
            + ", a run with " + option + " " + value + "; leave " + option + " out to continue that run");
      }
    }
    return args.toArray(new String[0]);
  }

  /** Widths were once recorded as "[512, 256]"; the option reads "512,256". */
  private static String canonical(String key, String value) {
    return key.equals("hidden") ? value.replaceAll("[\\[\\] ]", "") : value;
  }

  /** A list of widths as the option is written. */
  static String widths(int[] hidden) {
    return String.join(",", Arrays.stream(hidden).mapToObj(Integer::toString).toList());
  }
}
