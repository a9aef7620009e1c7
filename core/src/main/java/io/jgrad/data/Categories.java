package io.jgrad.data;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The distinct texts of one CSV column (a label's classes, a text feature's categories), each given an id as it is
 * first seen, or fixed beforehand (a trained model's): then a text not among them has none.
 */
final class Categories {
  private final Map<String, Integer> ids = new HashMap<>();
  private final List<String> seen = new ArrayList<>();
  private final boolean fixed;

  /** @param fixedValues the values and their order, or null to take them as they come */
  Categories(List<String> fixedValues) {
    fixed = fixedValues != null;
    if (fixed) {
      fixedValues.forEach(this::add);
    }
  }

  /** {@code value}'s id: its index among the fixed values, or in the order first seen; -1 if it is not a fixed one. */
  int id(String value) {
    Integer id = ids.get(value);
    if (id != null) {
      return id;
    }
    return fixed ? -1 : add(value);
  }

  private int add(String value) {
    int id = seen.size();
    ids.put(value, id);
    seen.add(value);
    return id;
  }

  boolean fixed() {
    return fixed;
  }

  /** The values in the order of their ids. */
  List<String> values() {
    return List.copyOf(seen);
  }

  /**
   * The values in their final order: fixed ones as given; found ones in numeric order where every one is an integer,
   * else in text order (scikit-learn's LabelEncoder and OneHotEncoder sort so).
   */
  List<String> ordered() {
    if (fixed) {
      return values();
    }
    List<String> sorted = new ArrayList<>(seen);
    sorted.sort(seen.stream().allMatch(Categories::isInteger) ? Comparator.comparing(BigInteger::new)
        : Comparator.naturalOrder());
    return sorted;
  }

  /** For each id, the value's index in {@code order} (a permutation of {@link #values}). */
  int[] renumbering(List<String> order) {
    int[] to = new int[seen.size()];
    for (int i = 0; i < order.size(); i++) {
      to[ids.get(order.get(i))] = i;
    }
    return to;
  }

  static boolean isInteger(String cell) {
    return cell.matches("[+-]?\\d+");
  }
}
