package io.jgrad.examples.bench;

import io.jgrad.Backend;
import io.jgrad.spi.GemmArgs;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where a training step's time goes: wraps a backend so that every call is timed and summed under a key that names
 * the kernel and, for GEMM, its shape ("gemm NT 128x512x784"). Each call is followed by {@link Backend#synchronize()}
 * (a no-op on the CPU), so on a device its time is the kernel's own rather than the launch's. It is not free: the
 * CPU MLP step of `bench train` (99 calls) ran at 27–30k samples/s with it against 42–43k without (2026-11-23), so
 * read its shares rather than its absolute times.
 */
final class BackendProfile {
  /** Time and calls summed under one key. */
  record Entry(String key, long nanos, long calls) {}

  /** The bench's own calls, not a step's. */
  private static final Set<String> UNMEASURED = Set.of("name", "synchronize", "close");

  private final Map<String, long[]> totals = new HashMap<>();
  private final Backend backend;
  private boolean recording;

  BackendProfile(Backend target) {
    this.backend = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
        (proxy, method, args) -> invoke(target, method, args));
  }

  /** The backend to build the model on: every call through it is measured while recording. */
  Backend backend() {
    return backend;
  }

  /** Forgets what was measured so far and measures from now on (call it after the warm-up). */
  void record() {
    totals.clear();
    recording = true;
  }

  /** Every key measured, the most time first. */
  List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    totals.forEach((key, v) -> out.add(new Entry(key, v[0], v[1])));
    out.sort((x, y) -> Long.compare(y.nanos(), x.nanos()));
    return out;
  }

  private Object invoke(Backend target, Method method, Object[] args) throws Throwable {
    if (!recording || !measured(method)) {
      return call(target, method, args);
    }
    long t0 = System.nanoTime();
    Object result = call(target, method, args);
    target.synchronize();
    long[] total = totals.computeIfAbsent(key(method, args), k -> new long[2]);
    total[0] += System.nanoTime() - t0;
    total[1]++;
    return result;
  }

  /** The kernels and memory calls of a step; not Object's methods, nor the bench's own name() and synchronize(). */
  private static boolean measured(Method method) {
    return method.getDeclaringClass() == Backend.class
        && !UNMEASURED.contains(method.getName());
  }

  private static Object call(Backend target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause(); // the backend's own exception, as a caller without the profile would see it
    }
  }

  /** gemm by transposes and shape, kernels with an operator argument by operator, the rest by name. */
  private static String key(Method method, Object[] args) {
    String name = method.getName();
    if (args != null && args.length == 1 && args[0] instanceof GemmArgs g) {
      return String.format(Locale.ROOT, "gemm %s %dx%dx%d%s", g.transpose().letters(), g.m(), g.n(), g.k(),
          g.batch() > 1 ? " batch " + g.batch() : "");
    }
    if (args != null && args.length > 0 && args[0] instanceof Enum<?> op) {
      return name + " " + op.name().toLowerCase(Locale.ROOT);
    }
    return name;
  }
}
