package io.jgrad.cuda;

import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * A kernel's parameter list in the form cuLaunchKernel wants: a pointer to an array of pointers, each to one
 * argument's value. The typed adders must follow the kernel's C signature in order.
 */
final class KernelArgs {
  private final List<Pointer> values = new ArrayList<>();

  KernelArgs i32(int value) {
    return add(Pointer.to(new int[] {value}));
  }

  KernelArgs i64(long value) {
    return add(Pointer.to(new long[] {value}));
  }

  KernelArgs f32(double value) {
    return add(Pointer.to(new float[] {(float) value}));
  }

  KernelArgs f64(double value) {
    return add(Pointer.to(new double[] {value}));
  }

  /** A device pointer; null passes a null pointer (kernels document which arguments may be null). */
  KernelArgs ptr(CUdeviceptr pointer) {
    return add(Pointer.to(pointer == null ? new CUdeviceptr() : pointer));
  }

  /** A struct of 64-bit fields passed by value (e.g. binary.cu's Broadcast). */
  KernelArgs struct(long[] fields) {
    return add(Pointer.to(fields));
  }

  /** A struct of 32-bit int fields passed by value (e.g. conv.cu's Conv). */
  KernelArgs struct(int[] fields) {
    return add(Pointer.to(fields));
  }

  Pointer pointer() {
    return Pointer.to(values.toArray(new Pointer[0]));
  }

  private KernelArgs add(Pointer value) {
    values.add(value);
    return this;
  }
}
