package io.jgrad.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import io.jgrad.MemoryCapacity;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import jcuda.CudaException;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.runtime.cudaStream_t;

/**
 * Owns one device's resources: its primary context, the one stream every kernel and copy runs on (so work is
 * ordered without events), the PTX modules, the kernels' argument blocks and, when the CUDA 12 cuBLAS library
 * loads, a cuBLAS handle bound to that stream. Closing releases them in reverse order.
 */
final class CudaContext implements AutoCloseable {
  private static final Logger LOG = System.getLogger(CudaContext.class.getName());

  private final CUdevice device;
  private final CUcontext context;
  private final CUstream stream;
  private final Map<PtxModule, CUmodule> modules;
  private final cublasHandle cublas;
  /** cuBLAS's workspace, set explicitly (see {@link #cublasWorkspace}), or null. */
  private final CUdeviceptr cublasWorkspace;
  private final String deviceName;
  private final int multiprocessors;
  private final int computeCapability;
  private final ArgumentArena arguments;

  private CudaContext(
      CUdevice device, CUcontext context, CUstream stream, Map<PtxModule, CUmodule> modules, cublasHandle cublas,
      CUdeviceptr cublasWorkspace, ArgumentArena arguments,
      String deviceName, int multiprocessors, int computeCapability) {
    this.device = device;
    this.context = context;
    this.stream = stream;
    this.modules = modules;
    this.cublas = cublas;
    this.cublasWorkspace = cublasWorkspace;
    this.arguments = arguments;
    this.deviceName = deviceName;
    this.multiprocessors = multiprocessors;
    this.computeCapability = computeCapability;
  }

  /**
   * @param ordinal the device number
   * @param tf32 whether cuBLAS may use TF32 tensor cores for float32 GEMM
   */
  static CudaContext open(int ordinal, boolean tf32) {
    ArgumentArena arguments = new ArgumentArena();  // first: it refuses before anything is allocated
    JCudaDriver.setExceptionsEnabled(true);
    cuInit(0);
    CUdevice device = new CUdevice();
    cuDeviceGet(device, ordinal);
    CUcontext context = new CUcontext();
    cuDevicePrimaryCtxRetain(context, device);
    cuCtxSetCurrent(context);
    CUstream stream = new CUstream();
    cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
    int computeCapability = computeCapability(device);
    Map<PtxModule, CUmodule> modules = new EnumMap<>(PtxModule.class);
    for (PtxModule m : PtxModule.values()) {
      if (m.minimumArch() > computeCapability) {
        continue;  // its PTX targets a newer architecture: the driver would refuse it; kernel() says why
      }
      CUmodule module = new CUmodule();
      // The driver reads the image as a C string: it must end with a NUL byte.
      cuModuleLoadData(module, (m.source() + '\0').getBytes(StandardCharsets.US_ASCII));
      modules.put(m, module);
    }
    byte[] name = new byte[256];
    cuDeviceGetName(name, name.length, device);
    String deviceName = new String(name, StandardCharsets.US_ASCII).trim().replace("\0", "");
    int[] multiprocessors = new int[1];
    cuDeviceGetAttribute(multiprocessors, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device);
    cublasHandle cublas = createCublas(stream, tf32);
    return new CudaContext(
        device, context, stream, modules, cublas, cublas == null ? null : cublasWorkspace(cublas), arguments,
        deviceName, multiprocessors[0], computeCapability);
  }

  /** major·10 + minor, as in sm_80. */
  private static int computeCapability(CUdevice device) {
    int[] major = new int[1];
    int[] minor = new int[1];
    cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
    cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
    return major[0] * 10 + minor[0];
  }

  /**
   * A cuBLAS handle on {@code stream}, or null when JCublas2's native library cannot load — it needs
   * libcublas.so.12, which a CUDA-13-only machine lacks. Like {@link CudaProbe}, this catches LinkageError.
   */
  private static cublasHandle createCublas(CUstream stream, boolean tf32) {
    try {
      JCublas2.setExceptionsEnabled(true);
      cublasHandle handle = new cublasHandle();
      JCublas2.cublasCreate(handle);
      JCublas2.cublasSetStream(handle, new cudaStream_t(stream));
      JCublas2.cublasSetMathMode(
          handle, tf32 ? cublasMath.CUBLAS_TF32_TENSOR_OP_MATH : cublasMath.CUBLAS_DEFAULT_MATH);
      return handle;
    } catch (LinkageError | CudaException e) {
      LOG.log(Level.WARNING,
          "cuBLAS 12 did not load (libcublas.so.12); GEMM uses jgrad's own kernels (82% of cuBLAS at 4096³ on an"
              + " H100). For cuBLAS, install the CUDA 12 cuBLAS runtime (e.g. `pip install nvidia-cublas-cu12`) and"
              + " add its lib directory to LD_LIBRARY_PATH.");
      return null;
    }
  }

  /** The cuBLAS documentation's recommended workspace for Hopper (4 MiB for earlier GPUs). */
  static final long CUBLAS_WORKSPACE_BYTES = 32L << 20;

  /**
   * A workspace of our own for cuBLAS, so that it allocates none while a step is recorded into a CUDA graph (a
   * cuMemAlloc there would end the capture); null, with cuBLAS keeping its default, where the call is refused. Set
   * after cublasSetStream, which puts the default workspace back.
   */
  private static CUdeviceptr cublasWorkspace(cublasHandle handle) {
    CUdeviceptr workspace = new CUdeviceptr();
    cuMemAlloc(workspace, CUBLAS_WORKSPACE_BYTES);
    try {
      JCublas2.cublasSetWorkspace(handle, workspace, CUBLAS_WORKSPACE_BYTES);
      return workspace;
    } catch (LinkageError | CudaException e) {
      LOG.log(Level.DEBUG, "cublasSetWorkspace refused (" + e.getMessage() + "): cuBLAS keeps its own workspace");
      cuMemFree(workspace);
      return null;
    }
  }

  /** Makes this context current on the calling thread (the driver API binds contexts per thread). */
  void bind() {
    cuCtxSetCurrent(context);
  }

  /** Whether this device runs the module's kernels (its compute capability reaches the module's target). */
  boolean runs(PtxModule module) {
    return modules.containsKey(module);
  }

  /** The device's compute capability, major·10 + minor (80 for sm_80). */
  int computeCapability() {
    return computeCapability;
  }

  Kernel kernel(PtxModule module, String name) {
    if (!runs(module)) {
      throw new UnsupportedOperationException(name + " needs a GPU of compute capability "
          + module.minimumArch() / 10 + "." + module.minimumArch() % 10 + " or newer; " + deviceName + " is "
          + computeCapability / 10 + "." + computeCapability % 10);
    }
    CUfunction function = new CUfunction();
    cuModuleGetFunction(function, modules.get(module), name);
    return new Kernel(name, function, stream, arguments.block());
  }

  CUstream stream() {
    return stream;
  }

  /** The cuBLAS handle, or null when cuBLAS did not load. */
  cublasHandle cublas() {
    return cublas;
  }

  String deviceName() {
    return deviceName;
  }

  /** The most shared memory one block may opt in to, in bytes (227 KB on an H100, 99 KB on sm_86 and sm_89). */
  int sharedMemoryPerBlockOptIn() {
    int[] bytes = new int[1];
    cuDeviceGetAttribute(bytes, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, device);
    return bytes[0];
  }

  /** Streaming multiprocessors: how many blocks run at once, give or take occupancy. */
  int multiprocessors() {
    return multiprocessors;
  }

  void synchronize() {
    cuStreamSynchronize(stream);
  }

  /** The device's free and total memory as the driver sees them ({@code cuMemGetInfo}). */
  MemoryCapacity memoryCapacity() {
    bind();
    long[] free = new long[1];
    long[] total = new long[1];
    cuMemGetInfo(free, total);
    return new MemoryCapacity(MemoryCapacity.Where.DEVICE, free[0], total[0]);
  }

  @Override
  public void close() {
    bind();
    synchronize();
    if (cublas != null) {
      JCublas2.cublasDestroy(cublas);
      if (cublasWorkspace != null) {
        cuMemFree(cublasWorkspace);
      }
    }
    modules.values().forEach(m -> cuModuleUnload(m));
    cuStreamDestroy(stream);
    arguments.close();
    cuDevicePrimaryCtxRelease(device);
  }
}
