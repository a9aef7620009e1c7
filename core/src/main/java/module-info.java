/**
 * jgrad's core: tensors with their ops and autograd ({@code io.jgrad}), nn, losses, optimizers, data, training and
 * model files, and the SPI the backend modules implement ({@code io.jgrad.spi}). Every package is exported except
 * {@code io.jgrad.internal}, which only the backends see. On the class path (Maven's and Gradle's default) this descriptor is ignored and the jar behaves as before.
 */
module io.jgrad {
  requires com.fasterxml.jackson.core;
  // io.jgrad.interop only: nd4j stays off a user's module graph unless the user adds it.
  requires static nd4j.api;

  exports io.jgrad;
  exports io.jgrad.check;
  exports io.jgrad.data;
  exports io.jgrad.init;
  exports io.jgrad.interop;
  exports io.jgrad.io;
  exports io.jgrad.loss;
  exports io.jgrad.nn;
  exports io.jgrad.optim;
  exports io.jgrad.spi;
  exports io.jgrad.train;
  exports io.jgrad.internal to io.jgrad.cpu, io.jgrad.cuda;

  uses io.jgrad.spi.BackendProvider;
}
