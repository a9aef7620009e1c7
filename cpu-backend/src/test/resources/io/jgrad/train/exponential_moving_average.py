"""PyTorch's AveragedModel with get_ema_multi_avg_fn(0.9) (torch.lerp with weight 1 - 0.9, spelled out where the
installed PyTorch predates it) and use_buffers=True, updated once before the first step and after each of five, over a
Linear(3, 2) and a BatchNorm1d(2) in float64 whose weights and running statistics are set to exact binary fractions
at every step; prints the averages ExponentialMovingAverageTest expects."""
import torch
from torch.optim.swa_utils import AveragedModel

DECAY = 0.9

torch.set_default_dtype(torch.float64)
model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))


def set_weights(t):
    with torch.no_grad():
        for k, (name, p) in enumerate(list(model.named_parameters()) + list(model.named_buffers())):
            if name.endswith("num_batches_tracked"):
                continue
            flat = torch.tensor([((t * 7 + k * 5 + i * 3) % 11) / 8.0 - 0.5 for i in range(p.numel())])
            p.copy_(flat.reshape(p.shape))


set_weights(0)
try:
    from torch.optim.swa_utils import get_ema_multi_avg_fn
    ema = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(DECAY), use_buffers=True)
except ImportError:
    ema = AveragedModel(model, use_buffers=True,
                        avg_fn=lambda a, m, n: torch.lerp(a, m, 1 - DECAY) if a.is_floating_point() else m)
ema.update_parameters(model)
for t in range(1, 6):
    set_weights(t)
    ema.update_parameters(model)
for name, p in list(ema.module.named_parameters()) + list(ema.module.named_buffers()):
    if not name.endswith("num_batches_tracked"):
        print(name, ", ".join(repr(v) for v in p.flatten().tolist()))
