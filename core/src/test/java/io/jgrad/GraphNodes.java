package io.jgrad;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;

/** For tests: the functions of the graph that made a tensor (the op table's coverage check reads their classes). */
public final class GraphNodes {
  private GraphNodes() {}

  public static Set<Function> of(Tensor root) {
    Set<Function> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Function> todo = new ArrayDeque<>();
    if (root.gradFn() != null) {
      todo.push(root.gradFn());
    }
    while (!todo.isEmpty()) {
      Function fn = todo.pop();
      if (seen.add(fn)) {
        for (Tensor in : fn.inputs()) {
          if (in != null && in.gradFn() != null) {
            todo.push(in.gradFn());
          }
        }
      }
    }
    return seen;
  }
}
