// Fused softmax cross-entropy with label smoothing s, per row:
//   probs[r,c] = exp(z[r,c] − max_r) / S_r,  S_r = Σ_c exp(z[r,c] − max_r)
//   loss[r] = −Σ_c t[r,c]·log probs[r,c],  t = (1 − s)·onehot(label[r]) + s/C
// computed stably as −((1 − s)·(z[label] − max − log S) + (s/C)·(Σ_c (z[r,c] − max) − C·log S)).
// Backward: dlogits[r,c] = dloss[r]·(probs[r,c] − t[r,c]).
// Shapes: logits, probs, dlogits [R, C]; labels (int32), loss, dloss [R]; error [1].
// A label outside [0, C) makes the row's outputs NaN and lowers *error to the row, which the launcher reads back
// and reports. atomicMin keeps the lowest bad row whichever block gets there first: the row the CPU reports.
#include "block.cuh"
#include "ops.cuh"

// *error when every label is good: above any row index. The launcher sets and resets the word to it.
#define NO_BAD_ROW 2147483647

__device__ __forceinline__ bool label_ok(int label, int cols) { return label >= 0 && label < cols; }

__device__ __forceinline__ void report_bad_label(int* error, int row) { atomicMin(error, row); }

// ---- kernels ----

// One block per row (grid-stride over R); blockDim.x a power of two ≤ BLOCK_MAX_THREADS.
extern "C" __global__ void softmax_cross_entropy_forward(
    const float* logits, const int* labels, int rows, int cols, float smoothing, float* probs, float* loss,
    int* error) {
  __shared__ float scratch[BLOCK_MAX_THREADS];
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* z = logits + (long long) r * cols;
    float* p = probs + (long long) r * cols;
    int label = labels[r];
    bool ok = label_ok(label, cols);
    float zLabel = ok ? z[label] : 0.f;  // read before p is written, in case the caller aliased probs and logits
    float m = -INFINITY;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) {
      m = fmaxf(m, z[c]);
    }
    m = block_max(m, scratch);
    float sum = 0.f;
    float shifted = 0.f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) {
      float d = z[c] - m;
      float e = expf(d);
      p[c] = e;
      sum += e;
      shifted += d;
    }
    sum = block_sum(sum, scratch);
    shifted = block_sum(shifted, scratch);
    float logSum = logf(sum);
    for (int c = threadIdx.x; c < cols; c += blockDim.x) {
      p[c] = ok ? p[c] / sum : JGRAD_NAN;
    }
    if (threadIdx.x == 0) {
      if (ok) {
        // Without smoothing the uniform term is skipped, not multiplied by 0: a −inf logit would make it NaN.
        float uniform = smoothing == 0.f ? 0.f : smoothing / cols * (shifted - cols * logSum);
        loss[r] = -((1.f - smoothing) * (zLabel - m - logSum) + uniform);
      } else {
        loss[r] = JGRAD_NAN;
        report_bad_label(error, r);
      }
    }
  }
}

extern "C" __global__ void softmax_cross_entropy_backward(
    const float* probs, const int* labels, const float* dloss, int rows, int cols, float smoothing, float* dlogits,
    int* error) {
  FOR_EACH_INDEX(i, (long long) rows * cols) {
    int r = (int) (i / cols);
    int c = (int) (i % cols);
    int label = labels[r];
    if (label_ok(label, cols)) {
      float t = (c == label ? 1.f - smoothing : 0.f) + smoothing / cols;
      dlogits[i] = dloss[r] * (probs[i] - t);
    } else {
      dlogits[i] = JGRAD_NAN;
      report_bad_label(error, r);
    }
  }
}
