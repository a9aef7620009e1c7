/**
 * The CUDA backend: {@link io.jgrad.cuda.CudaBackend} runs jgrad's kernels on one NVIDIA GPU through JCuda's driver
 * API. GEMM goes to cuBLAS (JCublas2) when the CUDA 12 cuBLAS library loads, else to a tiled PTX kernel; every other
 * kernel is PTX built from {@code native/kernels} and loaded from the class path. Device memory comes from a
 * caching allocator, so steady-state training makes no cudaMalloc calls. {@link io.jgrad.cuda.CudaProvider} plugs
 * the backend into {@link io.jgrad.Backends} and says, in one line, why it cannot run where there is no GPU.
 */
package io.jgrad.cuda;
