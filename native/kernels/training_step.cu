// The training step as one unit (Backend.sumsOfSquares, stepGuard, sgdSteps, adamSteps): multi-tensor kernels over
// a list of up to LIST_MAX tensors passed by value (TensorList: no pointer table to upload, so no host wait), each
// tensor cut into chunks of CHUNK elements with one block per chunk; and the step guard, one block, which decides the
// step from the sums and writes the guard state (io.jgrad.StepGuard's layout and reference) that the optimizer
// kernels read. The host reads nothing between the backward and the update.
// Shapes: a list's tensors [length[t]] each; sums, layerOf [count]; loss [1]; state [G_HEADER + 4·layers];
// loss_scale [1].
#include "half.cuh"
#include "ops.cuh"

// ---- the list passed by value (TrainingStepKernels.java builds it; KernelSourceTest checks the constants) ----

#define LIST_MAX 32
#define CHUNK 4096
#define LIST_THREADS 256

// Every field 64 bits wide, so the Java side writes a long[] of LIST_LONGS values with no padding rules.
struct TensorList {
  long long ptr[4][LIST_MAX];          // per kind (0 param or summed tensor, 1 grad, 2 velocity or m, 3 v): address
  long long length[LIST_MAX];          // elements of tensor t
  long long chunkStart[LIST_MAX + 1];  // tensor t's chunks are blocks chunkStart[t] .. chunkStart[t + 1] − 1
  long long count;                     // tensors in the list
};

// The parameters' 16-bit copies (autocast's weights) that the optimizer kernels rewrite with their params, as
// optimizers.cu's do: tensor t's copy at ptr[t] (0: none), of half.cuh Storage type[t]. 64-bit fields, as TensorList.
struct CopyList {
  long long ptr[LIST_MAX];
  long long type[LIST_MAX];
};

// Stores the updated param into tensor t's copy, if it has one.
__device__ __forceinline__ void store_copy(const CopyList& copies, int t, long long i, float updated) {
  if (copies.ptr[t] != 0) store_from_float(static_cast<Storage>(copies.type[t]), (void*) copies.ptr[t], i, updated);
}

// ---- StepGuard.java's offsets ----

#define G_APPLY 0
#define G_SCALE 1
#define G_APPLIED_STEPS 2
#define G_LOSS_SUM 3
#define G_LOSS_SUM_LOW 4
#define G_LAST_LOSS 5
#define G_SKIPPED 6
#define G_SKIPPED_IN_A_ROW 7
#define G_STOPPED 8
#define G_BAD_STEP 9
#define G_BAD_LOSS 10
#define G_LOSS_SCALE 11
#define G_CLEAN_STEPS 12
#define G_OVERFLOWS 13
#define G_HEADER 14
// Block order after the header: LAST, BAD, MIN, MAX, each `layers` floats.
#define G_LAST 0
#define G_BAD 1
#define G_MIN 2
#define G_MAX 3
#define NORM_EPS 1e-6
// Dynamic loss scaling's factors (StepGuard.BACKOFF, GROWTH).
#define G_BACKOFF 0.5
#define G_GROWTH 2.0

// The tensor whose chunks include block b (empty tensors own no block and are passed over).
__device__ __forceinline__ int list_tensor(const TensorList& list, long long b) {
  int t = 0;
  while (t + 1 < list.count && list.chunkStart[t + 1] <= b) t++;
  return t;
}

// ---- kernels ----

// partial[b] = Σ x² over block b's chunk, in double. Grid: one block per chunk of the list; LIST_THREADS threads.
extern "C" __global__ void sum_squares_chunks(TensorList list, double* partial) {
  __shared__ double scratch[LIST_THREADS];
  long long b = blockIdx.x;
  int t = list_tensor(list, b);
  const float* x = (const float*) list.ptr[0][t];
  long long from = (b - list.chunkStart[t]) * CHUNK;
  long long to = min(from + CHUNK, list.length[t]);
  double sum = 0;
  for (long long i = from + threadIdx.x; i < to; i += blockDim.x) {
    double v = x[i];
    sum += v * v;
  }
  scratch[threadIdx.x] = sum;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) scratch[threadIdx.x] += scratch[threadIdx.x + s];
    __syncthreads();
  }
  if (threadIdx.x == 0) partial[b] = scratch[0];
}

// out[first + t] = Σ of tensor t's partials, in chunk order (so the result does not depend on block scheduling).
// One thread per tensor.
extern "C" __global__ void sum_squares_combine(TensorList list, const double* partial, float* out, int first) {
  int t = blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= list.count) return;
  double sum = 0;
  for (long long b = list.chunkStart[t]; b < list.chunkStart[t + 1]; b++) sum += partial[b];
  out[first + t] = (float) sum;
}

// StepGuard.apply (with growthInterval), line for line: one block of LIST_THREADS threads; thread l (and
// l + blockDim.x, …) owns layer l's blocks, thread 0 the header. sums [count], layerOf [count] in [0, layers).
// Dynamic loss scaling when growth_interval > 0: the sums are of gradients scaled by S = state[G_LOSS_SCALE], and
// loss_scale (one float, non-null exactly then) receives the new S, the factor of the next step's loss.
// Every thread decides the step's branch from the same values (read before thread 0 writes the header): applied
// (LAST, MIN, MAX written), bad (BAD written) or, while scaling, an overflow (no layer block written).
extern "C" __global__ void step_guard(
    const float* sums, const int* layerOf, int count, int layers, const float* loss, int examples, double maxNorm,
    int maxSkippedInARow, float* state, float* loss_scale, int growth_interval) {
  __shared__ int nonFinite;
  __shared__ int wasStopped;   // read once, before thread 0 may set the flag below
  __shared__ float oldScale;   // S, read once, before thread 0 may change it below
  if (threadIdx.x == 0) {
    nonFinite = 0;
    wasStopped = state[G_STOPPED] != 0.0f;
    oldScale = state[G_LOSS_SCALE];
  }
  __syncthreads();
  for (int p = threadIdx.x; p < count; p += blockDim.x) {
    if (!isfinite(sums[p])) nonFinite = 1;  // every writer writes 1: no race on the value
  }
  __syncthreads();
  bool scaling = growth_interval > 0;
  double lossScale = scaling ? (double) oldScale : 1.0;
  double l = loss[0];
  bool stopped = wasStopped;
  bool finite = !nonFinite && isfinite(l);
  bool overflow = !stopped && scaling && !finite && isfinite(l);
  bool apply = finite && !stopped;
  bool bad = !finite && !stopped && !overflow;
  double unscale = 1.0 / (lossScale * lossScale);  // S is a power of two: exact
  for (int layer = threadIdx.x; layer < layers; layer += blockDim.x) {
    double squares = 0;
    for (int p = 0; p < count; p++) {
      if (layerOf[p] == layer) squares += sums[p];
    }
    squares *= unscale;
    float sq = (float) squares;
    if (apply) {
      state[G_HEADER + G_LAST * layers + layer] = sq;
      state[G_HEADER + G_MIN * layers + layer] = fminf(state[G_HEADER + G_MIN * layers + layer], sq);
      state[G_HEADER + G_MAX * layers + layer] = fmaxf(state[G_HEADER + G_MAX * layers + layer], sq);
    } else if (bad) {
      state[G_HEADER + G_BAD * layers + layer] = sq;
    }
  }
  if (threadIdx.x != 0) return;
  double total = (double) state[G_LOSS_SUM] + (double) state[G_LOSS_SUM_LOW] + l * examples;
  state[G_LOSS_SUM] = (float) total;
  state[G_LOSS_SUM_LOW] = (float) (total - (double) (float) total);
  state[G_LAST_LOSS] = (float) l;
  state[G_SCALE] = 1.0f;
  if (stopped) {
    state[G_APPLY] = 0.0f;
  } else if (overflow) {
    state[G_APPLY] = 0.0f;
    state[G_OVERFLOWS] += 1.0f;
    state[G_LOSS_SCALE] = (float) (lossScale * G_BACKOFF);
    state[G_CLEAN_STEPS] = 0.0f;
  } else {
    if (scaling) {
      state[G_CLEAN_STEPS] += 1.0f;
      if (state[G_CLEAN_STEPS] == (float) growth_interval) {
        state[G_LOSS_SCALE] = (float) (lossScale * G_GROWTH);
        state[G_CLEAN_STEPS] = 0.0f;
      }
    }
    if (!finite) {
      state[G_APPLY] = 0.0f;
      state[G_SKIPPED] += 1.0f;
      state[G_SKIPPED_IN_A_ROW] += 1.0f;
      state[G_BAD_STEP] = state[G_APPLIED_STEPS] + 1.0f;
      state[G_BAD_LOSS] = (float) l;
      if (state[G_SKIPPED_IN_A_ROW] >= (float) maxSkippedInARow) state[G_STOPPED] = 1.0f;
    } else {
      state[G_APPLY] = 1.0f;
      state[G_APPLIED_STEPS] += 1.0f;
      state[G_SKIPPED_IN_A_ROW] = 0.0f;
      double squares = 0;
      for (int p = 0; p < count; p++) squares += sums[p];
      double norm = sqrt(squares) / lossScale;
      float clip = maxNorm > 0 && norm > maxNorm ? (float) (maxNorm / (norm + NORM_EPS)) : 1.0f;
      state[G_SCALE] = (float) ((double) clip / lossScale);
    }
  }
  if (scaling) loss_scale[0] = state[G_LOSS_SCALE];
}

// The gradient as the update sees it: grad·scale rounded to float, as the host's MUL_SCALAR clipping kernel gives it.
__device__ __forceinline__ float scaled(float g, float scale) { return scale == 1.0f ? g : g * scale; }

// sgd_step (optimizers.cu) on every tensor of the list (kinds: param, grad, velocity; velocity 0 when momentum is 0),
// and its 16-bit copy, if guard[G_APPLY] is 1. Grid: one block per chunk. lr_at (may be null) overrides lr: a
// replayed CUDA graph keeps the arguments of its capture, so a scheduled rate is written to device memory instead.
extern "C" __global__ void sgd_steps(
    TensorList list, CopyList copies, double lr, double momentum, double dampening, double weightDecay, int nesterov,
    int firstStep, const float* guard, const double* lr_at) {
  if (guard[G_APPLY] == 0.0f) return;
  if (lr_at != nullptr) lr = *lr_at;
  float scale = guard[G_SCALE];
  long long b = blockIdx.x;
  int t = list_tensor(list, b);
  float* param = (float*) list.ptr[0][t];
  const float* grad = (const float*) list.ptr[1][t];
  float* velocity = (float*) list.ptr[2][t];
  long long from = (b - list.chunkStart[t]) * CHUNK;
  long long to = min(from + CHUNK, list.length[t]);
  for (long long i = from + threadIdx.x; i < to; i += blockDim.x) {
    double p = param[i];
    double g = scaled(grad[i], scale) + weightDecay * p;
    if (momentum != 0.0) {
      float v = (float) (firstStep ? g : momentum * velocity[i] + (1.0 - dampening) * g);
      velocity[i] = v;
      g = nesterov ? g + momentum * v : v;
    }
    float updated = (float) (p - lr * g);
    param[i] = updated;
    store_copy(copies, t, i, updated);
  }
}

// adam_step (optimizers.cu) on every tensor of the list (kinds: param, grad, m, v) and its 16-bit copy at step
// guard[G_APPLIED_STEPS], if guard[G_APPLY] is 1. Grid: one block per chunk. lr_at as in sgd_steps.
extern "C" __global__ void adam_steps(
    TensorList list, CopyList copies, double lr, double beta1, double beta2, double eps, double weightDecay,
    int decoupled, const float* guard, const double* lr_at) {
  if (guard[G_APPLY] == 0.0f) return;
  if (lr_at != nullptr) lr = *lr_at;
  float scale = guard[G_SCALE];
  double step = guard[G_APPLIED_STEPS];
  double correction1 = 1.0 - pow(beta1, step);
  double correction2 = 1.0 - pow(beta2, step);
  long long b = blockIdx.x;
  int t = list_tensor(list, b);
  float* param = (float*) list.ptr[0][t];
  const float* grad = (const float*) list.ptr[1][t];
  float* m = (float*) list.ptr[2][t];
  float* v = (float*) list.ptr[3][t];
  long long from = (b - list.chunkStart[t]) * CHUNK;
  long long to = min(from + CHUNK, list.length[t]);
  for (long long i = from + threadIdx.x; i < to; i += blockDim.x) {
    double p = param[i];
    double g = scaled(grad[i], scale);
    if (decoupled) {
      p *= 1.0 - lr * weightDecay;
    } else {
      g += weightDecay * p;
    }
    float mi = (float) (beta1 * m[i] + (1.0 - beta1) * g);
    float vi = (float) (beta2 * v[i] + (1.0 - beta2) * g * g);
    m[i] = mi;
    v[i] = vi;
    float updated = (float) (p - lr * (mi / correction1) / (sqrt(vi / correction2) + eps));
    param[i] = updated;
    store_copy(copies, t, i, updated);
  }
}
