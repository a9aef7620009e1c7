/**
 * Loss functions, each a {@link io.jgrad.loss.Loss} from a model's output and a target to a scalar: {@link
 * io.jgrad.loss.CrossEntropyLoss} (logits and int32 labels, optional label smoothing, fused and stable), {@link
 * io.jgrad.loss.MseLoss}, {@link io.jgrad.loss.BceWithLogitsLoss} (stable for large |x|) and {@link
 * io.jgrad.loss.HingeLoss} (multiclass SVM), plus the {@link io.jgrad.loss.L2Penalty} to add to any of them. All but
 * cross-entropy are composites of tensor ops, so their gradients come from the ops'.
 */
package io.jgrad.loss;
