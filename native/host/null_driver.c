/*
 * A stand-in for libcuda.so.1 on a machine without the driver: the four entry points JCuda needs to take a kernel
 * launch through to the driver, so host tests see the parameter table and values the driver would copy. Nothing
 * runs. Built by KernelLaunchHostTest (gcc -shared, soname libcuda.so.1) and found through LD_LIBRARY_PATH by a
 * child JVM; JCuda's other imports stay unresolved, which lazy binding allows as long as nothing calls them.
 *
 * cuMemAllocHost is malloc. cuMemcpyDtoH reads host memory: from address src, or, when src is 0, the record of
 * the last launch (struct Launch), so the test reads back through JCuda what the launch handed over.
 */
#include <stdlib.h>
#include <string.h>

struct Launch {
  unsigned long long launches;
  unsigned long long params;   /* the kernelParams pointer as passed */
  unsigned long long extra;
  unsigned long long grid[3];
  unsigned long long block[3];
  unsigned long long shared_bytes;
};

static struct Launch last;

int cuLaunchKernel(void *function, unsigned grid_x, unsigned grid_y, unsigned grid_z, unsigned block_x,
    unsigned block_y, unsigned block_z, unsigned shared_bytes, void *stream, void **params, void **extra) {
  (void) function;
  (void) stream;
  last.launches++;
  last.params = (unsigned long long) params;
  last.extra = (unsigned long long) extra;
  last.grid[0] = grid_x;
  last.grid[1] = grid_y;
  last.grid[2] = grid_z;
  last.block[0] = block_x;
  last.block[1] = block_y;
  last.block[2] = block_z;
  last.shared_bytes = shared_bytes;
  return 0;
}

int cuMemAllocHost_v2(void **pointer, size_t bytes) {
  *pointer = malloc(bytes);
  return *pointer ? 0 : 2; /* CUDA_ERROR_OUT_OF_MEMORY */
}

int cuMemFreeHost(void *pointer) {
  free(pointer);
  return 0;
}

int cuMemcpyDtoH_v2(void *dst, unsigned long long src, size_t bytes) {
  if (src == 0 && bytes > sizeof last) {
    return 1; /* CUDA_ERROR_INVALID_VALUE */
  }
  memcpy(dst, src == 0 ? (const void *) &last : (const void *) src, bytes);
  return 0;
}
