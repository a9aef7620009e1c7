package io.jgrad.cuda;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import jcuda.NativePointerObject;
import jcuda.Pointer;

/**
 * A JCuda pointer's address as a number: what a kernel argument block holds for a device pointer, and what structs
 * of addresses passed by value hold (training_step.cu's TensorList). JCuda keeps the native address and the byte
 * offset behind protected methods, so they are read through method handles, looked up once (exact invocation: no
 * boxing on the launch path). Where the lookup is refused, {@link #available()} says so and a context does not
 * open.
 */
final class DeviceAddress {
  private static final MethodHandle NATIVE = lookUp(NativePointerObject.class, "getNativePointer");
  private static final MethodHandle OFFSET = lookUp(Pointer.class, "getByteOffset");

  private DeviceAddress() {}

  static boolean available() {
    return NATIVE != null && OFFSET != null;
  }

  /** The address {@code pointer} stands for: its native pointer plus its byte offset. */
  static long of(Pointer pointer) {
    try {
      return (long) NATIVE.invokeExact((NativePointerObject) pointer) + (long) OFFSET.invokeExact(pointer);
    } catch (Throwable e) {
      throw new IllegalStateException("cannot read a JCuda pointer's address: " + e, e);
    }
  }

  private static MethodHandle lookUp(Class<?> type, String name) {
    try {
      Method m = type.getDeclaredMethod(name);
      m.setAccessible(true);
      return MethodHandles.lookup().unreflect(m);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
