/**
 * Datasets as plain Java arrays, before any backend sees them: readers for MNIST-layout IDX files
 * ({@link io.jgrad.data.IdxReader}, {@link io.jgrad.data.MnistDataset}), CIFAR-10 binary batches
 * ({@link io.jgrad.data.CifarReader}), CSV tables ({@link io.jgrad.data.CsvDataset}) and NumPy arrays
 * ({@link io.jgrad.data.NumpyDataset}), the in-memory
 * {@link io.jgrad.data.LabeledData} they produce, and the training-set {@link io.jgrad.data.Standardizer}.
 *
 * <p>Every reader fails with one {@link io.jgrad.io.InvalidFileException} whose one-line message names the
 * file, the offset or field, and what was expected. Counts in headers are checked against the bytes
 * present before they size an allocation, so a header claiming 2^31 images costs nothing.
 */
package io.jgrad.data;
