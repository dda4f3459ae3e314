"""gradfit.datasets.digits: the shipped UCI handwritten digits load offline, split reproducibly, and are real."""
import numpy as np
import pytest

from gradfit.datasets import digits


def test_shapes_dtypes_and_values():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    assert x_train.shape == (1438, 8, 8) and x_test.shape == (359, 8, 8)
    assert y_train.shape == (1438,) and y_test.shape == (359,)
    assert x_train.dtype == x_test.dtype == y_train.dtype == y_test.dtype == np.uint8
    assert x_train.min() == 0 and x_train.max() == 16 and x_test.max() <= 16
    assert set(np.unique(y_train)) == set(np.unique(y_test)) == set(range(10))


def test_all_1797_images_are_used_once():
    (x_train, y_train), (x_test, y_test) = digits.load_data(test_split=0.3, seed=5)
    assert len(x_train) + len(x_test) == 1797
    np.testing.assert_array_equal(np.bincount(np.concatenate([y_train, y_test])),
                                  [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    # The same images, whatever the split: compare the pixel totals per class.
    (a, ya), (b, yb) = digits.load_data(test_split=0.1, seed=9)
    for d in range(10):
        assert (x_train[y_train == d].sum() + x_test[y_test == d].sum()
                == a[ya == d].sum() + b[yb == d].sum())


def test_split_is_stratified():
    (_, y_train), (_, y_test) = digits.load_data(test_split=0.25)
    per_class_share = np.bincount(y_test) / (np.bincount(y_test) + np.bincount(y_train))
    assert np.all(np.abs(per_class_share - 0.25) < 0.01)


def test_split_is_reproducible_and_seeded():
    first, second = digits.load_data(seed=1), digits.load_data(seed=1)
    for a, b in zip(first[0] + first[1], second[0] + second[1]):
        np.testing.assert_array_equal(a, b)
    other = digits.load_data(seed=2)
    assert not np.array_equal(first[1][1], other[1][1])


def test_no_test_set_when_test_split_is_zero():
    (x_train, _), (x_test, y_test) = digits.load_data(test_split=0.0)
    assert x_train.shape == (1797, 8, 8) and x_test.shape == (0, 8, 8) and y_test.shape == (0,)


def test_invalid_test_split():
    with pytest.raises(ValueError, match="test_split"):
        digits.load_data(test_split=1.5)


def test_logistic_regression_learns_the_digits():
    # A softmax regression written in NumPy reaches > 90% on the test set only if images and labels agree.
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    x = x_train.reshape(len(x_train), -1) / 16.0
    onehot = np.eye(10)[y_train]
    w, b = np.zeros((64, 10)), np.zeros(10)
    for _ in range(300):
        logits = x @ w + b
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        grad = (p - onehot) / len(x)
        w -= 1.0 * (x.T @ grad)
        b -= 1.0 * grad.sum(axis=0)
    accuracy = np.mean(np.argmax((x_test.reshape(len(x_test), -1) / 16.0) @ w + b, axis=1) == y_test)
    assert accuracy > 0.9, accuracy
