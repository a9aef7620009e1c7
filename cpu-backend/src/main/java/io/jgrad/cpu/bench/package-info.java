/** Benchmark entry points (commands, never timed tests); the {@code jgrad bench} command line calls them. */
package io.jgrad.cpu.bench;
