/**
 * Interop with nd4j/DL4J: {@link io.jgrad.interop.Nd4jTensors} copies {@code INDArray}s to and from tensors.
 *
 * <p>nd4j-api is an optional dependency of jgrad-core: these classes load only when the user puts nd4j (nd4j-api and
 * a backend such as nd4j-native) on the class path, and nothing else in jgrad refers to them, so training never
 * needs nd4j.
 */
package io.jgrad.interop;
