import io.jgrad.tools.ImageFolder;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * How fast an image folder is read: {@code folder} times ImageFolder.read of DIR (as train --dataset images reads
 * it) ROUNDS times in this JVM, the first round cold; {@code decode} times, per image on one thread over every PNG
 * under DIR, reading the file's bytes, javax.imageio's ImageIO.read(File), and ImageIO.read of the bytes already in
 * memory (reading included), ROUNDS times. One JSON line per round.
 *
 * <p>Run (a single-file program; after mvn -q -DskipTests package):
 * {@code java -cp "examples/target/lib/*" docs/bench/ImageFolderRead.java folder|decode DIR ROUNDS}
 */
public class ImageFolderRead {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    int rounds = Integer.parseInt(args[2]);
    if (args[0].equals("folder")) {
      for (int r = 0; r < rounds; r++) {
        long t = System.nanoTime();
        ImageFolder f = ImageFolder.read(dir);
        System.out.printf("{\"bench\":\"image_folder_read\",\"round\":%d,\"images\":%d,\"seconds\":%.3f}%n", r,
            f.data().size(), (System.nanoTime() - t) / 1e9);
      }
      return;
    }
    List<Path> files;
    try (Stream<Path> all = Files.walk(dir)) {
      files = all.filter(p -> p.toString().endsWith(".png")).sorted().toList();
    }
    for (int r = 0; r < rounds; r++) {
      long sum = 0;
      long t0 = System.nanoTime();
      for (Path f : files) {
        sum += Files.readAllBytes(f).length;
      }
      long t1 = System.nanoTime();
      for (Path f : files) {
        sum += ImageIO.read(f.toFile()).getWidth();
      }
      long t2 = System.nanoTime();
      for (Path f : files) {
        sum += ImageIO.read(new MemoryCacheImageInputStream(new ByteArrayInputStream(Files.readAllBytes(f))))
            .getWidth();
      }
      long t3 = System.nanoTime();
      double n = files.size() * 1e3;
      System.out.printf("{\"bench\":\"image_decode\",\"round\":%d,\"images\":%d,\"read_bytes_us\":%.1f,"
          + "\"imageio_file_us\":%.1f,\"imageio_bytes_us\":%.1f,\"check\":%d}%n", r, files.size(), (t1 - t0) / n,
          (t2 - t1) / n, (t3 - t2) / n, sum);
    }
  }
}
