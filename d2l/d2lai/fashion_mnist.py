"""Fashion-MNIST as d2l.ai loads it: through Gluon's own data set class.

``gluon.data.vision.FashionMNIST`` reads four gzipped files from
``$MXNET_HOME/datasets/fashion-mnist`` (``~/.mxnet`` by default) and
downloads any that is missing or fails its checksum. A reader online gets
the real data set that way, exactly as with d2l. Offline, Gluon would retry
each download five times and end in a socket traceback; :func:`dataset`
instead checks first and raises :class:`DataUnavailableError`, whose message
says where to put the files.

Examples
--------
>>> FILES[False]
('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz')
>>> folder().endswith(os.path.join("datasets", "fashion-mnist"))
True
"""

from __future__ import annotations

import os
import socket
from typing import List
from urllib.parse import urlparse

import mxnet as mx
from mxnet import gluon

__all__ = ["FILES", "DataUnavailableError", "dataset", "folder", "TEXT_LABELS"]

#: The four files Gluon reads, training then test set: (images, labels).
FILES = {
    True: ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    False: ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}

#: Class names of the labels 0-9, in order.
TEXT_LABELS = (
    "t-shirt",
    "trouser",
    "pullover",
    "dress",
    "coat",
    "sandal",
    "shirt",
    "sneaker",
    "bag",
    "ankle boot",
)

#: Where the files come from, for the reader who fetches them by hand.
SOURCE = "https://github.com/zalandoresearch/fashion-mnist (folder data/fashion)"

#: How long to wait for the download server before calling it unreachable.
PROBE_SECONDS = 3.0


class DataUnavailableError(OSError):
    """The data set is not on this machine and could not be downloaded."""


def folder() -> str:
    """Where Gluon keeps Fashion-MNIST: ``$MXNET_HOME/datasets/fashion-mnist``."""
    return os.path.join(mx.base.data_dir(), "datasets", "fashion-mnist")


def _download_host() -> tuple:
    """Host and port of Gluon's data repository (``MXNET_GLUON_REPO``)."""
    url = urlparse(gluon.utils._get_repo_url())
    return url.hostname, url.port or (443 if url.scheme == "https" else 80)


def _reachable() -> bool:
    """Whether Gluon's download server answers at all (a quick TCP connect)."""
    try:
        with socket.create_connection(_download_host(), timeout=PROBE_SECONDS):
            return True
    except OSError:
        return False


def _unavailable(missing: List[str], reason: str) -> DataUnavailableError:
    return DataUnavailableError(
        f"Fashion-MNIST is not on this machine ({', '.join(missing)} missing "
        f"from {folder()}) and {reason}. Put the four files "
        f"{', '.join(FILES[True] + FILES[False])} in that folder (they are at "
        f"{SOURCE}), or set MXNET_HOME to a folder whose datasets/fashion-mnist "
        "holds them, and run this again."
    )


def dataset(train: bool = True) -> gluon.data.vision.FashionMNIST:
    """Gluon's Fashion-MNIST training or test set, downloaded if need be.

    Raises
    ------
    DataUnavailableError
        At once, when a file is missing and the download server cannot be
        reached; or when Gluon's download fails.
    """
    root = folder()
    missing = [
        f for f in FILES[bool(train)] if not os.path.exists(os.path.join(root, f))
    ]
    if missing and not _reachable():
        host = _download_host()[0]
        raise _unavailable(missing, f"{host} cannot be reached to download it")
    try:
        return gluon.data.vision.FashionMNIST(root=root, train=bool(train))
    except (OSError, RuntimeError) as error:
        # requests' ConnectionError is an OSError; Gluon raises RuntimeError
        # for a bad status, and a file that fails its checksum is fetched again.
        raise _unavailable(
            missing or ["a file that fails its checksum"],
            f"the download failed ({type(error).__name__}: {error})",
        ) from None
