package io.jgrad.optim;

/**
 * A learning rate as a function of the number of optimizer steps already taken (0 for the first update). Being a pure
 * function, a schedule has no state to checkpoint: a resumed run gets the same rates from the restored step count.
 * Install one with {@link Optimizer#setSchedule}.
 */
@FunctionalInterface
public interface LrSchedule {
  double lr(long step);
}
