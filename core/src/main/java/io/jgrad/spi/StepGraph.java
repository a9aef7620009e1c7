package io.jgrad.spi;

import java.util.Map;

/**
 * A training step recorded by {@link io.jgrad.Backend#capture} and run again by {@link #replay}: every kernel the
 * step queued, with the buffers it used, which the graph keeps until it is closed. Two of the step's arguments change
 * from one step to the next and are supplied to each replay instead of being fixed at capture: the learning rate of
 * the guarded optimizer steps ({@link io.jgrad.Backend#adamSteps}, {@link io.jgrad.Backend#sgdSteps}) and, per
 * generator seed, how far the Philox offsets of {@link io.jgrad.Backend#random} have moved since the capture. What
 * else a step reads (its batch, the parameters, the guard state) the caller writes into the captured buffers first.
 */
public interface StepGraph extends AutoCloseable {
  /**
   * Queues the recorded step once more.
   *
   * @param learningRate the guarded optimizer steps' learning rate in place of the captured one
   * @param offsetShifts for each seed the capture drew random numbers with, what to add to each captured offset
   * @throws IllegalArgumentException when a captured seed has no shift
   */
  void replay(double learningRate, Map<Long, Long> offsetShifts);

  /** Frees the graph and gives the buffers it held back to its backend. */
  @Override
  void close();
}
