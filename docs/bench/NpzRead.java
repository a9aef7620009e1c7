import io.jgrad.data.MnistDataset;
import io.jgrad.data.NumpyDataset;
import io.jgrad.io.NpzArchive;
import java.nio.file.Path;

/**
 * How fast a NumPy archive is read as train --dataset npz reads its training and test parts (the arrays inflated where
 * compressed, the images turned into floats in [0, 1]: NpzArchive.array and NumpyDataset.classes), against the same
 * images from the IDX files (MnistDataset.load), ROUNDS times each in this JVM, alternating, the first round cold.
 * One JSON line a reading.
 *
 * <p>Run (a single-file program; after mvn -q -DskipTests package):
 * {@code java -cp "examples/target/lib/*" docs/bench/NpzRead.java ARCHIVE.npz IDX_DIR ROUNDS}
 */
public class NpzRead {
  public static void main(String[] args) {
    Path archive = Path.of(args[0]);
    Path idx = Path.of(args[1]);
    int rounds = Integer.parseInt(args[2]);
    for (int r = 0; r < rounds; r++) {
      long t = System.nanoTime();
      NpzArchive npz = NpzArchive.open(archive);
      int examples = 0;
      for (NumpyDataset.Keys keys : new NumpyDataset.Keys[] {NumpyDataset.trainingKeys(npz),
          NumpyDataset.testKeys(npz)}) {
        examples += NumpyDataset.classes(npz.array(keys.x()), npz.array(keys.y()), null).data().size();
      }
      print("npz", r, examples, t);
      t = System.nanoTime();
      var split = MnistDataset.load(idx);
      print("idx", r, split.train().size() + split.test().size(), t);
    }
  }

  private static void print(String source, int round, int examples, long start) {
    System.out.printf("{\"bench\":\"read_%s\",\"round\":%d,\"examples\":%d,\"seconds\":%.3f}%n", source, round,
        examples, (System.nanoTime() - start) / 1e9);
  }
}
