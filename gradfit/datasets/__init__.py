"""Small datasets shipped inside gradfit, usable with no network access.

    from gradfit.datasets import digits
    (x_train, y_train), (x_test, y_test) = digits.load_data()
"""
from . import digits

__all__ = ["digits"]
