"""tf.summary: write scalars, histograms, images and text for TensorBoard, without TensorFlow.

    writer = tf.summary.create_file_writer("logs/run1")
    with writer.as_default(step=0):
        tf.summary.scalar("loss", 0.25)
        tf.summary.histogram("weights", w, step=0)

The event files are TensorFlow's: TFRecord-framed `Event` protocol buffers that TensorBoard reads as it
reads those TensorFlow writes. `gradfit.summary.reader.summary_iterator(path)` reads them back.
"""
from . import experimental
from .summaries import histogram, image, scalar, text
from .writer import (SummaryWriter, create_file_writer, create_noop_writer, flush, record_if,
                     should_record_summaries, write)

__all__ = ["SummaryWriter", "create_file_writer", "create_noop_writer", "experimental", "flush", "histogram",
           "image", "record_if", "scalar", "should_record_summaries", "text", "write"]
