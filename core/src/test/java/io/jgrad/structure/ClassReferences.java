package io.jgrad.structure;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which jgrad classes each compiled class of a directory refers to, read from the class files' constant pools (JVMS
 * §4.4): every CONSTANT_Class entry, and every class named in a descriptor or generic signature. That is what the
 * compiled code links against, whatever the source imported; javadoc links leave no trace.
 */
final class ClassReferences {
  private static final Pattern IN_DESCRIPTOR = Pattern.compile("L(io/jgrad/[\\w/$]+)[;<]");

  private ClassReferences() {}

  /** Class name (dots) → the io.jgrad classes it refers to, for every class file under {@code classes}. */
  static Map<String, Set<String>> of(Path classes) {
    Map<String, Set<String>> refs = new TreeMap<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = classes.relativize(file).toString().replace('\\', '/');
        if (name.equals("module-info.class")) {
          continue;
        }
        try (InputStream in = Files.newInputStream(file)) {
          refs.put(name.substring(0, name.length() - ".class".length()).replace('/', '.'), read(in));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return refs;
  }

  /** The package of a class name (dots). */
  static String packageOf(String className) {
    return className.substring(0, className.lastIndexOf('.'));
  }

  private static Set<String> read(InputStream stream) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort(); // minor version
    in.readUnsignedShort(); // major version
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    List<Integer> classNameIndexes = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 7 -> classNameIndexes.add(in.readUnsignedShort());
        case 8, 16, 19, 20 -> in.readUnsignedShort(); // String, MethodType, Module, Package
        case 15 -> in.skipNBytes(3); // MethodHandle
        case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt(); // Integer, Float, refs, NameAndType, (Invoke)Dynamic
        case 5, 6 -> { // Long, Double take two entries
          in.readLong();
          i++;
        }
        default -> throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
      }
    }
    Set<String> out = new TreeSet<>();
    for (int index : classNameIndexes) {
      String name = utf8[index];
      Matcher array = IN_DESCRIPTOR.matcher(name);
      if (name.startsWith("io/jgrad/")) {
        out.add(name.replace('/', '.'));
      } else if (array.find()) { // an array class, "[Lio/jgrad/Tensor;"
        out.add(array.group(1).replace('/', '.'));
      }
    }
    for (String s : utf8) {
      if (s != null && s.contains("Lio/jgrad/")) {
        Matcher m = IN_DESCRIPTOR.matcher(s);
        while (m.find()) {
          out.add(m.group(1).replace('/', '.'));
        }
      }
    }
    return out;
  }
}
