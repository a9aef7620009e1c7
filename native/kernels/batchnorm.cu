// BatchNorm2d over x [N, C, H, W]: per-channel statistics over the M = N·H·W elements of each channel, the
// normalisation y = (x − mean)·invstd·gamma + beta, and the training-mode backward (PyTorch's semantics: the
// batch's biased variance normalises, the unbiased one feeds the running average). Shapes: x, y, dy, dx
// [N, C, HW]; mean, invstd, gamma, beta, dgamma, dbeta, runningMean, runningVar [C].
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

// mean and invstd = 1 / sqrt(var + eps) of each channel, var the biased batch variance (two passes: the mean, then
// the squared deviations, so no cancellation). When runningMean is not null, also
//   runningMean = (1 − momentum)·runningMean + momentum·mean,
//   runningVar  = (1 − momentum)·runningVar  + momentum·var·M / (M − 1)   (the unbiased variance; M > 1).
extern "C" __global__ void batchnorm_stats(
    const float* x, int n, int channels, int hw, double eps, double momentum, float* mean, float* invstd,
    float* runningMean, float* runningVar) {
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
    double var = bn_block_sum2(squares, 0.0, scratch).x / count;
    if (threadIdx.x == 0) {
      mean[c] = (float) mu;
      invstd[c] = (float) (1.0 / sqrt(var + eps));
      if (runningMean != nullptr) {
        runningMean[c] = (float) ((1.0 - momentum) * runningMean[c] + momentum * mu);
        runningVar[c] = (float) ((1.0 - momentum) * runningVar[c] + momentum * var * count / (count - 1));
      }
    }
  }
}

// y = (x − mean[c])·invstd[c]·gamma[c] + beta[c]; gamma and beta are null without affine parameters. In
// evaluation the launcher passes the running mean and 1 / sqrt(runningVar + eps).
extern "C" __global__ void batchnorm_forward(
    const float* x, const float* mean, const float* invstd, const float* gamma, const float* beta, float* y, int n,
    int channels, int hw) {
  FOR_EACH_INDEX(e, (long long) n * channels * hw) {
    int c = (int) (e / hw % channels);
    float v = (x[e] - mean[c]) * invstd[c];
    y[e] = gamma == nullptr ? v : v * gamma[c] + beta[c];
  }
}

// The training-mode backward, one block per channel. With x̂ = (x − mean)·invstd, g = gamma (1 when null):
//   dbeta = Σ dy,  dgamma = Σ dy·x̂,  dx = g·invstd·(dy − dbeta / M − x̂·dgamma / M).
// dgamma and dbeta may be null (no affine parameters); they are written, not accumulated.
extern "C" __global__ void batchnorm_backward(
    const float* x, const float* dy, const float* mean, const float* invstd, const float* gamma, float* dx,
    float* dgamma, float* dbeta, int n, int channels, int hw) {
  __shared__ double scratch[2 * BLOCK_MAX_THREADS];
  long long count = (long long) n * hw;
  for (int c = blockIdx.x; c < channels; c += gridDim.x) {
    float mu = mean[c];
    float is = invstd[c];
    double sumDy = 0.0;
    double sumDyXhat = 0.0;
    for (long long j = threadIdx.x; j < count; j += blockDim.x) {
      long long at = bn_at(c, j, channels, hw);
      double d = dy[at];
      sumDy += d;
      sumDyXhat += d * ((x[at] - mu) * is);
    }
    double2 sums = bn_block_sum2(sumDy, sumDyXhat, scratch);
    float scale = (gamma == nullptr ? 1.f : gamma[c]) * is;
    float meanDy = (float) (sums.x / count);
    float meanDyXhat = (float) (sums.y / count);
    for (long long j = threadIdx.x; j < count; j += blockDim.x) {
      long long at = bn_at(c, j, channels, hw);
      dx[at] = scale * (dy[at] - meanDy - (x[at] - mu) * is * meanDyXhat);
    }
    if (threadIdx.x == 0) {
      if (dgamma != nullptr) dgamma[c] = (float) sums.y;
      if (dbeta != nullptr) dbeta[c] = (float) sums.x;
    }
  }
}
