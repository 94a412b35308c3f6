"""Minibatches drawn as a shuffling data loader draws them.

:class:`BatchSampler` behaves like ``torch.utils.data.DataLoader(dataset, batch_size=B, shuffle=True)``: at
the start of every epoch one random permutation of the n samples is drawn, the batches are its consecutive
slices of B indices, in order, and the last one is smaller when B does not divide n (``drop_last=False``).
The permutations come from a generator seeded by ``seed``, so the same seed gives the same batches.

>>> s = BatchSampler(n=5, batch_size=2, seed=0)
>>> batches = [s.next() for _ in range(6)]
>>> [len(b) for b in batches]
[2, 2, 1, 2, 2, 1]
>>> sorted(int(i) for b in batches[:3] for i in b)
[0, 1, 2, 3, 4]
"""

from __future__ import annotations

import numpy as np

from landscape_gui.core.types import IntArray

__all__ = ["BATCH_STREAM", "BatchSampler"]

#: Second word of the seed of the batch generator: a stream apart from the Gaussian noise of each group
#: (seeded ``[seed, group]``).
BATCH_STREAM = 0xBA7C


class BatchSampler:
    """Batches of indices 0 … n − 1: a fresh permutation each epoch, consecutive slices of it in order."""

    def __init__(self, n: int, batch_size: int, seed: int = 0) -> None:
        if n < 1:
            raise ValueError("a dataset needs at least one sample")
        if not 1 <= batch_size <= n:
            raise ValueError(f"batch size must be 1 … {n} (the number of samples), not {batch_size}")
        self.n = int(n)
        self.batch_size = int(batch_size)
        self.seed = int(seed)
        self.reset()

    @property
    def batches_per_epoch(self) -> int:
        return -(-self.n // self.batch_size)

    def reset(self) -> None:
        """Back to the first batch of the first epoch (the same batches again)."""
        self._rng = np.random.default_rng([self.seed, BATCH_STREAM])
        self._perm: IntArray | None = None
        self._pos = self.n  # the next call starts an epoch
        self.epoch = 0  # epochs started

    def next(self) -> IntArray:
        """The next batch (a new read-only index array)."""
        if self._pos >= self.n:
            self._perm = self._rng.permutation(self.n)
            self._pos = 0
            self.epoch += 1
        assert self._perm is not None  # made above: the first call starts an epoch
        batch = self._perm[self._pos : self._pos + self.batch_size].copy()
        batch.flags.writeable = False
        self._pos += self.batch_size
        return batch
