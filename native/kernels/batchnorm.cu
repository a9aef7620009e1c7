// BatchNorm2d over x [N, C, H, W]: per-channel statistics over the M = N·H·W elements of each channel, the
// normalisation y = (x − mean)/sqrt(var + eps)·gamma + beta, and its backward (PyTorch's semantics: the batch's
// biased variance normalises, the unbiased one feeds the running average; Backend.batchNorm*'s contracts). Shapes:
// x, y, dy, dx [N, C, HW]; mean, var, gamma, beta, dgamma, dbeta, runningMean, runningVar [C].
// The statistics kernels run one block per channel (grid-stride over channels); its threads stride over the
// channel's elements in a fixed pattern and meet in a tree, in double, so the result is the same on every run.
#include "block.cuh"
#include "ops.cuh"

// Element j of channel c: image j / HW, position j % HW.
__device__ __forceinline__ long long bn_at(int c, long long j, int channels, int hw) {
  return (j / hw * channels + c) * (long long) hw + j % hw;
}

// Tree sum of two doubles per thread over the block; every thread gets both. scratch: 2·BLOCK_MAX_THREADS doubles.
__device__ double2 bn_block_sum2(double a, double b, double* scratch) {
  unsigned t = threadIdx.x;
  scratch[t] = a;
  scratch[BLOCK_MAX_THREADS + t] = b;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
    if (t < s) {
      scratch[t] += scratch[t + s];
      scratch[BLOCK_MAX_THREADS + t] += scratch[BLOCK_MAX_THREADS + t + s];
    }
    __syncthreads();
  }
  double2 result = make_double2(scratch[0], scratch[BLOCK_MAX_THREADS]);
  __syncthreads();  // everyone has read the root before the next call reuses scratch
  return result;
}

// ---- kernels ----

// mean and the biased variance var of each channel (two passes: the mean, then the squared deviations, so no
// cancellation). When runningMean is not null, also
//   runningMean = (1 − momentum)·runningMean + momentum·mean,
//   runningVar  = (1 − momentum)·runningVar  + momentum·var·M / (M − 1)   (the unbiased variance; var itself when
//   M = 1).
extern "C" __global__ void batchnorm_stats(
    const float* x, int n, int channels, int hw, double momentum, float* mean, float* var, float* runningMean,
    float* runningVar) {
  __shared__ double scratch[2 * BLOCK_MAX_THREADS];
  long long count = (long long) n * hw;
  for (int c = blockIdx.x; c < channels; c += gridDim.x) {
    double sum = 0.0;
    for (long long j = threadIdx.x; j < count; j += blockDim.x) {
      sum += x[bn_at(c, j, channels, hw)];
    }
    double mu = bn_block_sum2(sum, 0.0, scratch).x / count;
    double squares = 0.0;
    for (long long j = threadIdx.x; j < count; j += blockDim.x) {
      double d = x[bn_at(c, j, channels, hw)] - mu;
      squares += d * d;
    }
    double v = bn_block_sum2(squares, 0.0, scratch).x / count;
    if (threadIdx.x == 0) {
      mean[c] = (float) mu;
      var[c] = (float) v;
      if (runningMean != nullptr) {
        double unbiased = count > 1 ? v * count / (count - 1) : v;
        runningMean[c] = (float) ((1.0 - momentum) * runningMean[c] + momentum * mu);
        runningVar[c] = (float) ((1.0 - momentum) * runningVar[c] + momentum * unbiased);
      }
    }
  }
}

// y = (x − mean[c]) / sqrt(var[c] + eps)·gamma[c] + beta[c]; y may be x.
extern "C" __global__ void batchnorm_forward(
    const float* x, const float* mean, const float* var, float eps, const float* gamma, const float* beta, float* y,
    int n, int channels, int hw) {
  FOR_EACH_INDEX(e, (long long) n * channels * hw) {
    int c = (int) (e / hw % channels);
    y[e] = (x[e] - mean[c]) / sqrtf(var[c] + eps) * gamma[c] + beta[c];
  }
}

// The backward, one block per channel. With x̂ = (x − mean)/sqrt(var + eps) and M = N·HW:
//   dbeta = Σ dy,  dgamma = Σ dy·x̂,
//   dx = gamma·(dy − (dbeta + x̂·dgamma)/M)/sqrt(var + eps)   when the statistics are the batch's (batchStatistics),
//   dx = gamma·dy/sqrt(var + eps)                             when they are the running ones (constants).
// All three are written, not accumulated.
extern "C" __global__ void batchnorm_backward(
    int batchStatistics, const float* x, const float* dy, const float* mean, const float* var, float eps,
    const float* gamma, float* dx, float* dgamma, float* dbeta, int n, int channels, int hw) {
  __shared__ double scratch[2 * BLOCK_MAX_THREADS];
  long long count = (long long) n * hw;
  for (int c = blockIdx.x; c < channels; c += gridDim.x) {
    float mu = mean[c];
    float is = 1.f / sqrtf(var[c] + eps);
    double sumDy = 0.0;
    double sumDyXhat = 0.0;
    for (long long j = threadIdx.x; j < count; j += blockDim.x) {
      long long at = bn_at(c, j, channels, hw);
      double d = dy[at];
      sumDy += d;
      sumDyXhat += d * ((x[at] - mu) * is);
    }
    double2 sums = bn_block_sum2(sumDy, sumDyXhat, scratch);
    float scale = gamma[c] * is;
    float meanDy = batchStatistics ? (float) (sums.x / count) : 0.f;
    float meanDyXhat = batchStatistics ? (float) (sums.y / count) : 0.f;
    for (long long j = threadIdx.x; j < count; j += blockDim.x) {
      long long at = bn_at(c, j, channels, hw);
      dx[at] = scale * (dy[at] - meanDy - (x[at] - mu) * is * meanDyXhat);
    }
    if (threadIdx.x == 0) {
      dgamma[c] = (float) sums.y;
      dbeta[c] = (float) sums.x;
    }
  }
}
