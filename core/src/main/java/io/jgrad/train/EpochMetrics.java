package io.jgrad.train;

import java.util.Map;

/**
 * What one epoch measured.
 *
 * @param epoch 1-based
 * @param trainLoss mean training loss over the epoch's steps
 * @param testLoss mean test loss (NaN without a test set)
 * @param testAccuracy fraction of test examples classified right (NaN without a test set, or for regression data)
 * @param validationLoss mean loss on the validation data (NaN without it; see {@link Trainer#validation})
 * @param validationAccuracy fraction of validation examples classified right (NaN without validation data, or for
 *     regression data)
 * @param lr the learning rate of the epoch's last step
 * @param samplesPerSec training examples per second (forward, backward, step; evaluation excluded)
 * @param seconds wall time of the epoch, evaluation included
 * @param peakActivationBytes the most bytes saved for backward at once during the epoch
 * @param skippedSteps steps skipped because a gradient or the loss was not finite
 * @param gradNorms each layer's gradient L2 norm at the epoch's last step
 */
public record EpochMetrics(
    int epoch,
    double trainLoss,
    double testLoss,
    double testAccuracy,
    double validationLoss,
    double validationAccuracy,
    double lr,
    double samplesPerSec,
    double seconds,
    long peakActivationBytes,
    int skippedSteps,
    Map<String, Double> gradNorms) {}
