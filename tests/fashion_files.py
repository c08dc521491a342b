"""A small stand-in for Fashion-MNIST, written in its real file format.

Gluon reads four gzipped IDX files: images (magic 2051, count, 28, 28, then
one byte a pixel) and labels (magic 2049, count, then one byte a label).
:func:`write` makes such files in a folder, with images a network can learn:
class ``c`` is a bright 6x6 square at a place of its own, plus noise.
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np

from d2l.d2lai.fashion_mnist import FILES


def images_and_labels(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 10
    images = rng.integers(0, 40, size=(n, 28, 28), dtype=np.uint8)
    for image, c in zip(images, labels):
        top, left = 3 + 8 * (c // 4), 3 + 6 * (c % 4)
        image[top : top + 6, left : left + 6] = 250
    return images, labels.astype(np.uint8)


def _write_idx(path: Path, magic: int, array: np.ndarray) -> None:
    header = struct.pack(">I" + "I" * array.ndim, magic, *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.tobytes())


def write(folder: Path, n_train: int = 300, n_test: int = 100) -> None:
    """Write the four files into ``folder`` (created if need be)."""
    folder.mkdir(parents=True, exist_ok=True)
    for train, n in ((True, n_train), (False, n_test)):
        images, labels = images_and_labels(n, seed=int(train))
        image_file, label_file = FILES[train]
        _write_idx(folder / image_file, 2051, images)
        _write_idx(folder / label_file, 2049, labels)
