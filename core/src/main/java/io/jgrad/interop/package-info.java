/**
 * Interop with nd4j/DL4J: {@link io.jgrad.interop.Nd4jTensors} copies {@code INDArray}s to and from tensors, and
 * {@link io.jgrad.interop.Nd4jDataSets} reads a {@code DataSetIterator} into a {@link io.jgrad.data.LabeledData}.
 *
 * <p>nd4j-api is an optional dependency of jgrad-core: these classes load only when the user puts nd4j (nd4j-api and
 * a backend such as nd4j-native) on the class path, and nothing else in jgrad refers to them, so training never
 * needs nd4j.
 *
 * <p>Why drain a {@code DataSetIterator} instead of wrapping it as a stream of batches: jgrad's {@link
 * io.jgrad.data.DataLoader} already shuffles per epoch from (seed, epoch), resumes mid-epoch and prefetches, all of
 * which need random access to the examples; an adapter would re-implement or lose them. The cost is that the data
 * must fit in memory, as every jgrad dataset does. So the normal loop is {@code DataLoader.builder(
 * Nd4jDataSets.toLabeledData(iterator)).batchSize(b).shuffle(true).build(backend)}.
 */
package io.jgrad.interop;
