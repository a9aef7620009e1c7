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
 * @param validationMacroF1 the validation examples' macro F1, the mean over classes of each class's F1 (NaN unless the
 *     trainer {@link Trainer#rankValidation ranks the validation data})
 * @param validationRocAuc the validation examples' ROC AUC, of a two-class model the second class's, of more the mean
 *     of each class's one against the rest ({@link ClassificationReport#rocAuc}; NaN as validationMacroF1)
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
    double validationMacroF1,
    double validationRocAuc,
    double lr,
    double samplesPerSec,
    double seconds,
    long peakActivationBytes,
    int skippedSteps,
    Map<String, Double> gradNorms) {}
