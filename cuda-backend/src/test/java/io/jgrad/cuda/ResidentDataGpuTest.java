package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.Generator;
import io.jgrad.MemoryStats;
import io.jgrad.Scope;
import io.jgrad.data.Batch;
import io.jgrad.data.BatchAssembly;
import io.jgrad.data.DataLoader;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.loss.Reduction;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.AdamW;
import io.jgrad.optim.Optimizer;
import io.jgrad.train.FirstLosses;
import io.jgrad.train.Trainer;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A dataset held in GPU memory ({@link BatchAssembly#RESIDENT}, gather.cu) trains as the host loader does on the same
 * GPU: the same batches, word for word (784 features, 2,000 examples in batches of 128, the last short), and the same
 * first 50 losses of the default recipe's pieces (dropout, label smoothing, AdamW) to 1e-5; steps after the first
 * epoch make no cudaMalloc call.
 */
@ExtendWith(RequiresGpu.class)
class ResidentDataGpuTest {
  private static final int STEPS = 50;
  private static final int FEATURES = SeparableData.FEATURES;

  private record Run(List<Double> losses, MemoryStats warm, MemoryStats end) {}

  private static DataLoader loader(BatchAssembly assembly, Backend backend) {
    return DataLoader.builder(SeparableData.of(2000)).batchSize(128).shuffle(true).seed(1).assembly(assembly).build(backend);
  }

  private static Run train(BatchAssembly assembly) {
    try (Backend backend = CudaBackend.open(BackendOptions.defaults())) {
      FirstLosses first = new FirstLosses(STEPS, backend);
      Generator g = new Generator(7);
      Sequential model = new Sequential(new Linear(backend, FEATURES, 128, g), new ReLU(),
          new Dropout(0.2, new Generator(8)), new Linear(backend, 128, 10, g));
      try (DataLoader train = loader(assembly, backend); Optimizer opt = new AdamW(model.namedParameters(), 1e-3)) {
        new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0.1)).listener(first).fit(train, null, 4);
        return new Run(first.losses(), first.afterFirstEpoch(), backend.memoryStats());
      } finally {
        model.close();
      }
    }
  }

  @Test
  void residentBatchesAreTheHostLoadersBatches() {
    try (Backend backend = CudaBackend.open(BackendOptions.defaults());
        DataLoader host = loader(BatchAssembly.HOST, backend);
        DataLoader resident = loader(BatchAssembly.RESIDENT, backend);
        Scope ignored = Scope.open()) {
      for (int epoch = 0; epoch < 2; epoch++) {
        Iterator<Batch> h = host.epoch(epoch);
        Iterator<Batch> r = resident.epoch(epoch);
        int index = 0;
        while (h.hasNext()) {
          assertTrue(r.hasNext(), "epoch " + epoch + " ends early at batch " + index);
          try (Batch e = h.next(); Batch a = r.next()) {
            String where = "epoch " + epoch + " batch " + index;
            assertArrayEquals(e.features().shape().dims(), a.features().shape().dims(), where);
            assertArrayEquals(e.features().toFloatArray(), a.features().toFloatArray(), where + " features");
            assertArrayEquals(e.labels().toIntArray(), a.labels().toIntArray(), where + " labels");
          }
          index++;
        }
        assertEquals(false, r.hasNext(), "epoch " + epoch + " has extra batches");
      }
    }
  }

  @Test
  void theFirstFiftyLossesAreTheHostLoadersLosses() {
    Run host = train(BatchAssembly.HOST);
    Run resident = train(BatchAssembly.RESIDENT);
    assertEquals(STEPS, resident.losses().size());
    for (int s = 0; s < STEPS; s++) {
      double e = host.losses().get(s);
      double a = resident.losses().get(s);
      assertTrue(Math.abs(a - e) <= 1e-5 * Math.abs(e), "step " + s + ": resident " + a + " vs host " + e);
    }
    assertEquals(resident.warm().systemAllocations(), resident.end().systemAllocations(),
        "cudaMalloc calls after the first epoch");
  }
}
