package io.jgrad.train;

import io.jgrad.NoGrad;
import io.jgrad.Tensor;
import io.jgrad.loss.Loss;
import io.jgrad.nn.Module;

/**
 * Knowledge distillation (Hinton et al., 2015) as PyTorch's knowledge-distillation tutorial writes it: a trained
 * teacher's logits z_t, softened by the temperature T, are the targets p = softmax(z_t / T) of the student's softened
 * log-probabilities log q = log_softmax(z_s / T), and the student's loss is w·T²·KL(p ‖ q) + (1 − w)·L(z_s, y), the KL
 * divergence summed over the classes and averaged over the batch. T² keeps the soft term's gradients at the hard term's
 * scale as T grows. The teacher runs in evaluation mode and takes no gradient; it reads the inputs the student reads.
 */
public final class Distillation {
  /** PyTorch's tutorial's temperature. */
  public static final double DEFAULT_TEMPERATURE = 2;
  /** PyTorch's tutorial's share of the soft term (its soft_target_loss_weight; ce_loss_weight 0.75). */
  public static final double DEFAULT_WEIGHT = 0.25;

  private final Module teacher;
  private final double temperature;
  private final double weight;

  /**
   * @param teacher a trained classifier of the student's classes, put in evaluation mode here
   * @param temperature T &gt; 0: 1 leaves the teacher's probabilities as they are, larger flattens them
   * @param weight w in [0, 1], the soft term's share of the loss
   */
  public Distillation(Module teacher, double temperature, double weight) {
    if (!(temperature > 0 && Double.isFinite(temperature))) {
      throw new IllegalArgumentException("distillation: the temperature must be > 0, got " + temperature);
    }
    if (!(weight >= 0 && weight <= 1)) {
      throw new IllegalArgumentException("distillation: the soft term's weight must be in [0, 1], got " + weight);
    }
    this.teacher = teacher;
    this.temperature = temperature;
    this.weight = weight;
    teacher.eval();
  }

  /** The student's loss on a batch: its logits, the inputs they were computed from, the labels and the hard loss. */
  Tensor loss(Tensor studentLogits, Tensor inputs, Tensor labels, Loss hard) {
    Tensor logP;
    try (NoGrad ignored = NoGrad.enter()) {
      logP = teacher.forward(inputs).div(temperature).logSoftmax(1);
    }
    Tensor logQ = studentLogits.div(temperature).logSoftmax(1);
    Tensor kl = logP.exp().mul(logP.sub(logQ)).sum().div(studentLogits.dim(0));
    return kl.mul(weight * temperature * temperature).add(hard.apply(studentLogits, labels).mul(1 - weight));
  }
}
