package io.jgrad.examples;

import io.jgrad.data.TrainTestSplit;
import io.jgrad.tools.ImageFolder;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code train --dataset images}: an image folder of the user's ({@link ImageFolder}: one folder per class), the test
 * part read from a second folder or held out of the first.
 *
 * @param test the test folder, read at the training images' size and channels with their classes, or null to hold out
 *     {@code testSplit} ({@link HeldOut})
 * @param height the size to scale every image to, or 0 for the size the training images share
 */
record ImageFiles(Path train, Path test, double testSplit, int height, int width) {

  /** Both parts, unstandardised, the classes' names and one example's shape [C, H, W]. */
  record Parts(TrainTestSplit split, List<String> classNames, int[] inputShape) {}

  Parts read() {
    ImageFolder images = height > 0 ? ImageFolder.read(train, height, width) : ImageFolder.read(train);
    TrainTestSplit split = test == null ? HeldOut.split(train, images.data(), testSplit, "images")
        : new TrainTestSplit(images.data(), ImageFolder.read(test, images.classNames(), images.inputShape()).data());
    return new Parts(split, images.classNames(), images.inputShape());
  }

  /** The shape the first training image would be read at (null where none can be read yet), for the JIT warm-up. */
  int[] firstShape() {
    return ImageFolder.firstShape(train, height, width);
  }
}
