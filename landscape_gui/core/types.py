"""Array aliases for the core's type hints, declared once.

>>> import numpy as np
>>> x: FloatArray = np.zeros(3)
>>> x.dtype
dtype('float64')
"""

from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
"""An array of float64: points, gradients, values, surfaces."""

IntArray = npt.NDArray[np.integer[Any]]
"""An array of integers (int64, intp, ...): indices, labels, counts."""

ByteArray = npt.NDArray[np.uint8]
"""An array of bytes: RGBA images and colours."""

BoolArray = npt.NDArray[np.bool_]
"""An array of booleans: masks."""

AnyArray = npt.NDArray[Any]
"""An array whose dtype the code does not fix (a caller's input before conversion)."""
