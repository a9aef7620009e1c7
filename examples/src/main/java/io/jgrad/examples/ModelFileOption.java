package io.jgrad.examples;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model} of the commands that read a model file: the same name, requirement and help everywhere. */
final class ModelFileOption {
  @Option(names = "--model", required = true, description = "a model file or checkpoint written by jgrad train --save")
  Path path;
}
