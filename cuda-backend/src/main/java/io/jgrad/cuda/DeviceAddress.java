package io.jgrad.cuda;

import java.lang.reflect.Method;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * A device pointer's address as a number, for kernels that take a struct of addresses by value (training_step.cu's
 * TensorList). JCuda keeps the native address and the byte offset behind protected methods, so they are read by
 * reflection, once looked up; where that is refused, {@link #available()} says so and the callers keep their
 * per-tensor path.
 */
final class DeviceAddress {
  private static final Method NATIVE = lookUp(NativePointerObject.class, "getNativePointer");
  private static final Method OFFSET = lookUp(Pointer.class, "getByteOffset");

  private DeviceAddress() {}

  static boolean available() {
    return NATIVE != null && OFFSET != null;
  }

  /** The address {@code pointer} stands for: its native pointer plus its byte offset. */
  static long of(CUdeviceptr pointer) {
    try {
      return (long) NATIVE.invoke(pointer) + (long) OFFSET.invoke(pointer);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read a JCuda device address: " + e, e);
    }
  }

  private static Method lookUp(Class<?> type, String name) {
    try {
      Method m = type.getDeclaredMethod(name);
      m.setAccessible(true);
      return m;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
