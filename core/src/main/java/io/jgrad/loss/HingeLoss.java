package io.jgrad.loss;

import static io.jgrad.internal.TensorAccess.buffer;

import io.jgrad.Autocast;
import io.jgrad.DType;
import io.jgrad.Tensor;

/**
 * The multiclass SVM (Weston–Watkins) hinge loss of scores [B, C] against int32 labels [B]: per sample Σ_{j≠y}
 * max(0, s_j − s_y + margin), then the batch mean or sum, as PyTorch's MultiMarginLoss summed over classes rather than
 * averaged. The correct-class score s_y is gathered as Σ_j s_j·onehot_j, the one-hot built on the host from the labels.
 */
public record HingeLoss(double margin, Reduction reduction) implements Loss {

  /** Margin 1, mean over the batch. */
  public HingeLoss() {
    this(1, Reduction.MEAN);
  }

  public HingeLoss {
    if (!(margin > 0)) {
      throw new IllegalArgumentException("hinge loss: margin must be > 0, got " + margin);
    }
  }

  @Override
  public Tensor apply(Tensor scores, Tensor labels) {
    scores = Autocast.widen(scores); // losses stay float32 under autocast
    if (scores.rank() != 2 || labels.dtype() != DType.INT32 || labels.rank() != 1 || labels.dim(0) != scores.dim(0)) {
      throw new IllegalArgumentException("hinge loss: needs scores [batch, classes] and int32 labels [batch], got "
          + scores.shape() + " and " + labels.dtype().label() + " " + labels.shape());
    }
    Tensor onehot = oneHot(scores, labels.toIntArray());
    Tensor correct = scores.mul(onehot).sum(1, true);
    Tensor violations = scores.sub(correct).add(margin).relu().mul(onehot.neg().add(1)); // the j = y term is dropped
    return reduction.reduce(violations.sum(1, false));
  }

  private static Tensor oneHot(Tensor like, int[] labels) {
    int classes = like.dim(1);
    double[] v = new double[labels.length * classes];
    for (int r = 0; r < labels.length; r++) {
      if (labels[r] < 0 || labels[r] >= classes) {
        throw new IllegalArgumentException("hinge loss: label " + labels[r] + " at row " + r + " is not in [0, "
            + classes + ")");
      }
      v[r * classes + labels[r]] = 1;
    }
    Tensor t = Tensor.empty(like.backend(), like.dtype(), like.shape());
    like.backend().upload(buffer(t), v);
    return t;
  }
}
