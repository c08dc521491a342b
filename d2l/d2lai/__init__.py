"""d2l.ai's MXNet interface, written for this book: the parts behind ``d2l.mxnet``.

*Dive into Deep Learning* ships a ``d2l`` package whose ``d2l.mxnet`` module
its MXNet code imports (``from d2l import mxnet as d2l``). This subpackage
gives the names that the chapter on convolutional networks uses, with d2l's
call signatures, built on the book's own helpers:

* :mod:`.tensors`: the framework-neutral shorthands (``d2l.tensor``,
  ``d2l.reshape``, ``d2l.reduce_sum``, ...), bound to ``mxnet.np``;
* :mod:`.plots`: ``plot``, ``set_axes``, ``show_images`` and
  ``show_heatmaps`` as d2l calls them, and the ``Animator`` and
  ``ProgressBoard`` that training draws on;
* :mod:`.fashion_mnist`: Fashion-MNIST through Gluon's own data set class,
  with one clear error when it is not on the machine and cannot be fetched;
* :mod:`.framework`: the 1.0 classes (``Module``, ``Classifier``,
  ``DataModule``, ``Trainer``, ...);
* :mod:`.chapter6`: the 0.17 functions (``train_ch6``, ``Accumulator``, ...).

``d2l.mxnet`` re-exports them; the book's own ``import d2l`` is unchanged.

Examples
--------
>>> from d2l.d2lai import tensors
>>> tensors.size(tensors.ones((2, 3)))
6
"""
