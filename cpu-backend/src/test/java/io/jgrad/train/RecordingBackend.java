package io.jgrad.train;

import io.jgrad.Backend;
import io.jgrad.spi.Buffer;
import io.jgrad.spi.StepGraph;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A CPU backend that records steps as CUDA stream capture does, for testing {@link GraphedStep} without a GPU: while
 * recording, every kernel call is kept instead of run; a read-back, an upload or a synchronize fails the capture (as
 * it invalidates a CUDA capture); buffers allocated or freed while recording, and those freed later, stay allocated
 * until the graph closes (a CUDA graph's private pool; each graph its own). A replay runs the kept calls on the
 * wrapped backend with the replay's learning rate in the guarded optimizer steps and each draw's offset (random,
 * dropoutMask) moved by its seed's shift.
 */
final class RecordingBackend implements InvocationHandler {
  private static final Set<String> REFUSED_WHILE_RECORDING = Set.of("upload", "download", "synchronize");
  /** Calls that return host facts and queue nothing: answered at once, recording or not. */
  private static final Set<String> QUERIES = Set.of("name", "describe", "supports", "memoryStats", "memoryCapacity",
      "leakDetector", "resetPeak");

  private record Call(Method method, Object[] args) {}

  /** What a graph holds: the buffers the host has freed that it may still use, freed for real when it closes. */
  private static final class Pool {
    final List<Buffer> held = new ArrayList<>();
  }

  private final Backend delegate;
  private List<Call> recording;
  /** The pool of the graph being recorded. */
  private Pool recordingPool;
  /** Buffers a live graph may use (allocated or freed while it was recorded), and its pool. */
  private final Map<Buffer, Pool> owners = new IdentityHashMap<>();
  private final Map<String, Integer> calls = new HashMap<>();
  private int captures;
  private int replays;
  /** {@link Backend#deferChecks} scopes open now, and the read-backs made while one was. */
  private int openCheckScopes;
  private int downloadsInCheckScope;

  private RecordingBackend(Backend delegate) {
    this.delegate = delegate;
  }

  static Backend wrap(Backend delegate) {
    return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
        new RecordingBackend(delegate));
  }

  static RecordingBackend of(Backend proxy) {
    return (RecordingBackend) Proxy.getInvocationHandler(proxy);
  }

  int captures() {
    return captures;
  }

  int replays() {
    return replays;
  }

  /** How many times the backend's method {@code name} was called, recording or not. */
  int calls(String name) {
    return calls.getOrDefault(name, 0);
  }

  /** Deferred-check scopes opened and not yet closed. */
  int openCheckScopes() {
    return openCheckScopes;
  }

  /** Read-backs made while a deferred-check scope was open. */
  int downloadsInCheckScope() {
    return downloadsInCheckScope;
  }

  /** The wrapped backend's own accounting. */
  Backend delegate() {
    return delegate;
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    switch (name) {
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      case "toString":
        return "recording " + delegate;
      case "capture":
        return capture((Runnable) args[0]);
      default:
        break;
    }
    calls.merge(name, 1, Integer::sum);
    if (name.equals("deferChecks")) {
      Backend.DeferredChecks scope = delegate.deferChecks();
      openCheckScopes++;
      return (Backend.DeferredChecks) () -> {
        openCheckScopes--;
        scope.close();
      };
    }
    if (name.equals("download") && openCheckScopes > 0) {
      downloadsInCheckScope++;
    }
    if (name.equals("free")) {
      Pool owner = recording != null ? owners.computeIfAbsent((Buffer) args[0], b -> recordingPool)
          : owners.get((Buffer) args[0]);
      if (owner != null) {
        owner.held.add((Buffer) args[0]);
        return null;
      }
    }
    if (recording == null || QUERIES.contains(name)) {
      return call(method, args);
    }
    if (REFUSED_WHILE_RECORDING.contains(name)) {
      throw new IllegalStateException(name + ": not permitted while a step is recorded");
    }
    if (name.equals("allocate")) {
      Buffer b = (Buffer) call(method, args);
      owners.put(b, recordingPool);
      return b;
    }
    if (method.getReturnType() != void.class) {
      throw new AssertionError("a recording backend does not know " + method);
    }
    recording.add(new Call(method, copyLists(args)));
    return null;
  }

  private StepGraph capture(Runnable step) {
    if (recording != null) {
      throw new IllegalStateException("capture: already recording");
    }
    List<Call> calls = new ArrayList<>();
    Pool pool = new Pool();
    recording = calls;
    recordingPool = pool;
    try {
      step.run();
    } catch (RuntimeException e) {
      release(pool); // a failed capture leaves no graph to keep them for
      throw e;
    } finally {
      recording = null;
      recordingPool = null;
    }
    captures++;
    return new StepGraph() {
      private boolean closed;

      @Override
      public void replay(double learningRate, Map<Long, Long> offsetShifts) {
        if (closed) {
          throw new IllegalStateException("replay: the graph is closed");
        }
        for (Call c : calls) {
          Object[] args = c.args().clone();
          switch (c.method().getName()) {
            case "adamSteps" -> args[5] = learningRate;
            case "sgdSteps" -> args[4] = learningRate;
            case "random" -> shift(args, 3, offsetShifts);
            case "dropoutMask" -> shift(args, 1, offsetShifts);
            default -> { }
          }
          call(c.method(), args);
        }
        replays++;
      }

      @Override
      public void close() {
        if (!closed) {
          closed = true;
          release(pool);
        }
      }
    };
  }

  /** A recorded draw's offset (the argument after its seed's) moved by its seed's shift. */
  private static void shift(Object[] args, int seedAt, Map<Long, Long> offsetShifts) {
    Long shift = offsetShifts.get((Long) args[seedAt]);
    if (shift == null) {
      throw new IllegalArgumentException("replay: no offset shift for seed " + args[seedAt]);
    }
    args[seedAt + 1] = (Long) args[seedAt + 1] + shift;
  }

  private void release(Pool pool) {
    pool.held.forEach(delegate::free);
    pool.held.clear();
    owners.values().removeIf(owner -> owner == pool);
  }

  private Object call(Method method, Object[] args) {
    try {
      return method.invoke(delegate, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The arguments with each list copied: a caller may reuse its list after the call. */
  private static Object[] copyLists(Object[] args) {
    Object[] out = args.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] instanceof List<?> list) {
        out[i] = new ArrayList<>(list);
      }
    }
    return out;
  }
}
