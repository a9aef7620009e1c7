"""TensorBoard's own reading and writing of event files, beside jgrad's.

  tensorboard_events.py reference    the bytes TensorBoard's RecordWriter gives the events of TensorBoardEventsTest
  tensorboard_events.py read DIR     every scalar TensorBoard's EventAccumulator finds in DIR's event files

Needs the tensorboard package (its protobuf and absl too) on PYTHONPATH; nothing else in the project uses it.
"""
import io
import sys

from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.summary.writer.record_writer import RecordWriter


def reference():
    out = io.BytesIO()
    writer = RecordWriter(out)
    writer.write(event_pb2.Event(wall_time=1764892800.25, file_version="brain.Event:2").SerializeToString())
    values = [summary_pb2.Summary.Value(tag="train/loss", simple_value=0.6725655528704325),
              summary_pb2.Summary.Value(tag="test/accuracy", simple_value=0.8989)]
    event = event_pb2.Event(wall_time=1764892811.5, step=4690, summary=summary_pb2.Summary(value=values))
    writer.write(event.SerializeToString())
    print(out.getvalue().hex())


def read(folder):
    from tensorboard.backend.event_processing import event_accumulator
    acc = event_accumulator.EventAccumulator(folder, size_guidance={event_accumulator.SCALARS: 0})
    acc.Reload()
    for tag in acc.Tags()["scalars"]:
        points = acc.Scalars(tag)
        print(tag, len(points), " ".join(f"{p.step}:{p.value:.6g}" for p in points[:3]),
              "..." if len(points) > 3 else "")


if __name__ == "__main__":
    reference() if sys.argv[1] == "reference" else read(sys.argv[2])
