package io.jgrad.train;

/**
 * What a listener hears after each training step. The losses live where the step ran: reading one is a read-back
 * (on a GPU, a wait for the device), so a listener asks only when it shows something, not every step.
 */
public interface StepProgress {
  /** The examples this step trained on. */
  int examples();

  /** This step's loss (a read-back). */
  double loss();

  /** The mean loss of the epoch's steps so far, this one included (a read-back of the accumulated sums). */
  double meanLoss();

  /** A step whose losses the host already holds. */
  static StepProgress known(int examples, double loss, double meanLoss) {
    return new StepProgress() {
      @Override
      public int examples() {
        return examples;
      }

      @Override
      public double loss() {
        return loss;
      }

      @Override
      public double meanLoss() {
        return meanLoss;
      }
    };
  }
}
