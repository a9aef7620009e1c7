package io.jgrad.nn;

import io.jgrad.Window2d;

/** How {@link Module#settings} spells a window's sizes, as PyTorch prints them. */
final class Settings {
  private Settings() {}

  /** (h, w), as PyTorch prints a Conv2d's sizes. */
  static String pair(int h, int w) {
    return "(" + h + ", " + w + ")";
  }

  /** h where the two are equal, else (h, w): a pooling layer's sizes as PyTorch prints the ones it was given. */
  static String size(int h, int w) {
    return h == w ? Integer.toString(h) : pair(h, w);
  }

  /** A pooling layer's window: kernel_size, stride, padding, and dilation unless 1. */
  static String pooling(Window2d w) {
    return "kernel_size=" + size(w.kernelH(), w.kernelW()) + ", stride=" + size(w.strideH(), w.strideW())
        + ", padding=" + size(w.padH(), w.padW())
        + (w.dilationH() == 1 && w.dilationW() == 1 ? "" : ", dilation=" + size(w.dilationH(), w.dilationW()));
  }
}
