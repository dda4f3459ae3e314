"""tf.summary as TensorFlow 2 behaves: writers, default step, recording conditions, errors, return values."""
import gc
import glob
import os
import threading

import numpy as np
import pytest

import gradfit as tf
from gradfit.summary import writer as writer_module
from gradfit.summary.reader import summary_iterator


def events(logdir):
    (path,) = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    return [(value.tag, event.step, value.numpy()) for event in summary_iterator(path) for value in event.summary]


@pytest.fixture(autouse=True)
def fresh_summary_state():
    """Each test starts, and leaves, with no default writer, no default step and no recording condition."""
    state = writer_module._state
    yield
    state.writer = state.step = state.is_recording = None


def test_writer_writes_what_it_is_given(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path / "run"))
    with writer.as_default():
        assert tf.summary.scalar("loss", 0.5, step=1)
        assert tf.summary.text("note", "hello", step=1)
        assert tf.summary.histogram("w", np.arange(10.0), step=2, buckets=4)
    writer.close()
    logged = events(tmp_path / "run")
    assert [(tag, step) for tag, step, _ in logged] == [("loss", 1), ("note", 1), ("w", 2)]
    assert logged[0][2] == np.float32(0.5) and logged[1][2] == b"hello"
    np.testing.assert_array_equal(logged[2][2][:, 2], [3, 2, 2, 3])
    np.testing.assert_allclose(logged[2][2][:, :2], [[0, 2.25], [2.25, 4.5], [4.5, 6.75], [6.75, 9]])


def test_results_are_bool_tensors():
    result = tf.summary.scalar("loss", 1.0, step=0)
    assert isinstance(result, tf.Tensor) and result.dtype == tf.bool and not result.numpy()


def test_without_a_writer_nothing_is_written_and_no_step_is_needed():
    assert not tf.summary.scalar("loss", 1.0)
    assert not tf.summary.should_record_summaries()
    assert not tf.summary.image("not_even_checked", np.zeros((2, 2)), step=0)  # images are checked on write
    assert tf.summary.flush() is None


def test_step_is_checked_even_without_a_writer():
    with pytest.raises(ValueError, match=r"`step` must be a scalar. Received step with shape \(2,\)"):
        tf.summary.scalar("loss", 1.0, step=[1, 2])
    with pytest.raises(TypeError, match="integer"):
        tf.summary.scalar("loss", 1.0, step=2.0)


def test_a_writer_without_a_step_is_an_error(tmp_path):
    with tf.summary.create_file_writer(str(tmp_path)).as_default():
        with pytest.raises(ValueError, match="No step set"):
            tf.summary.scalar("loss", 1.0)
        with tf.summary.record_if(False):
            assert not tf.summary.scalar("loss", 1.0)  # not recording: the missing step does not matter


def test_default_steps(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    step = tf.Variable(3, dtype="int64")
    tf.summary.experimental.set_step(step)
    with writer.as_default():
        tf.summary.scalar("a", 1.0)
        step.assign(4)  # a variable step is read at each write
        tf.summary.scalar("a", 2.0)
        with writer.as_default(step=10):
            assert tf.summary.experimental.get_step() == 10
            tf.summary.scalar("a", 3.0)
            tf.summary.scalar("a", 4.0, step=np.int32(20))
        assert tf.summary.experimental.get_step() is step
    writer.close()
    assert [(step, float(value)) for _, step, value in events(tmp_path)] == [(3, 1), (4, 2), (10, 3), (20, 4)]


def test_record_if_with_a_condition_checked_at_each_write(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    step = tf.Variable(0, dtype="int64")
    with writer.as_default(step=step), tf.summary.record_if(lambda: int(step.numpy()) % 2 == 0):
        for i in range(5):
            step.assign(i)
            assert bool(tf.summary.should_record_summaries()) == (i % 2 == 0)
            assert bool(tf.summary.scalar("even", float(i))) == (i % 2 == 0)
    assert not tf.summary.should_record_summaries()
    writer.close()
    assert [step for _, step, _ in events(tmp_path)] == [0, 2, 4]


def test_writer_state_is_per_thread(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    seen = []
    with writer.as_default(step=1):
        thread = threading.Thread(target=lambda: seen.append(bool(tf.summary.scalar("other_thread", 1.0, step=1))))
        thread.start()
        thread.join()
        assert tf.summary.scalar("this_thread", 1.0)
    assert seen == [False]


def test_file_is_created_at_once_and_written_in_batches(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path / "new" / "dir"), max_queue=2, filename_suffix=".run")
    (path,) = glob.glob(str(tmp_path / "new" / "dir" / "events.out.tfevents.*.run"))
    writer.set_as_default(step=0)
    tf.summary.scalar("a", 1.0)
    tf.summary.scalar("a", 2.0)
    assert len(list(summary_iterator(path))) == 1  # only the file-version record so far
    tf.summary.scalar("a", 3.0)  # more than max_queue waiting: written out
    assert len(list(summary_iterator(path))) == 4
    tf.summary.scalar("a", 4.0)
    tf.summary.flush()
    assert len(list(summary_iterator(path))) == 5
    writer.close()


def test_collected_writer_writes_what_it_queued(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    writer.set_as_default(step=5)
    tf.summary.scalar("queued", 1.0)
    (path,) = glob.glob(str(tmp_path / "events.out.tfevents.*"))
    writer_module._state.writer = None  # forget the writer without closing or flushing it
    del writer
    gc.collect()
    assert [value.tag for event in summary_iterator(path) for value in event.summary] == ["queued"]


def test_closed_writer(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    writer.set_as_default(step=0)
    writer.close()
    writer.close()
    writer.flush()
    with pytest.raises(tf.errors.NotFoundError, match="closed"):
        tf.summary.scalar("late", 1.0)
    with pytest.raises(RuntimeError, match="already closed"):
        writer.as_default()
    with pytest.raises(RuntimeError, match="already closed"):
        writer.init()


def test_writer_arguments():
    with pytest.raises(ValueError, match="`logdir` cannot be None"):
        tf.summary.create_file_writer(None)
    with pytest.raises(ValueError, match="max_queue"):
        tf.summary.create_file_writer("unused", max_queue=-1)
    with pytest.raises(ValueError, match=r"Invalid argument to flush\(\): 3"):
        tf.summary.flush(3)


def test_noop_writer_writes_nothing():
    writer = tf.summary.create_noop_writer()
    assert isinstance(writer, tf.summary.SummaryWriter)
    with writer.as_default():
        assert not tf.summary.scalar("nothing", 1.0, step=0)
    writer.set_as_default()
    writer.flush()
    writer.close()
    assert not tf.summary.should_record_summaries()


def test_data_errors(tmp_path):
    with pytest.raises(ValueError, match="expected a scalar"):
        tf.summary.scalar("loss", [1.0, 2.0], step=0)
    with pytest.raises(TypeError, match="real number"):
        tf.summary.scalar("loss", "high", step=0)
    with pytest.raises(TypeError, match="string data"):
        tf.summary.text("note", 3, step=0)
    with pytest.raises(TypeError, match="buckets"):
        tf.summary.histogram("h", [1.0], step=0, buckets=2.0)
    with tf.summary.create_file_writer(str(tmp_path)).as_default(step=0):
        with pytest.raises(ValueError, match="rank 4"):
            tf.summary.image("img", np.zeros((2, 2, 1)))
        with pytest.raises(tf.errors.InvalidArgumentError, match="1, 2, 3 or 4 channels"):
            tf.summary.image("img", np.zeros((1, 2, 2, 5)))


def test_images_scale_floats_and_keep_max_outputs(tmp_path):
    from gradfit.summary.png import decode_png

    writer = tf.summary.create_file_writer(str(tmp_path))
    floats = np.array([-0.5, 0.0, 0.5, 1.0, 2.0, 0.999], "float32").reshape(1, 2, 3, 1)
    batch = np.zeros((5, 4, 2, 3), np.uint8)
    batch[1] = 200
    with writer.as_default(step=0):
        tf.summary.image("floats", floats)
        tf.summary.image("batch", batch, max_outputs=2)
    writer.close()
    (_, _, floats_written), (_, _, batch_written) = events(tmp_path)
    assert list(floats_written[:2]) == [b"3", b"2"]
    np.testing.assert_array_equal(decode_png(floats_written[2])[..., 0], [[0, 0, 127], [255, 255, 255]])
    assert list(batch_written[:2]) == [b"2", b"4"] and len(batch_written) == 4
    assert decode_png(batch_written[3]).shape == (4, 2, 3) and decode_png(batch_written[3]).min() == 200


def test_histogram_edge_cases():
    from gradfit.summary.summaries import histogram_buckets

    np.testing.assert_array_equal(histogram_buckets([], 3), np.zeros((3, 3)))
    assert histogram_buckets([1.0, 2.0], 0).shape == (0, 3)
    np.testing.assert_array_equal(histogram_buckets([4.0] * 3, 2), [[4, 4, 0], [4, 4, 3]])
    assert histogram_buckets(np.ones((10, 10)), None).shape == (30, 3)
    counts = histogram_buckets([0.0, 1.0, 2.0, 3.0, np.nan], 3)[:, 2]
    assert counts.sum() <= 5
