"""Plain NumPy references: one output element at a time, as the formulas say."""

import numpy as np


def corr2d(X, K):
    """Y[i, j] = sum over (a, b) of X[i + a, j + b] * K[a, b]."""
    kh, kw = K.shape
    Y = np.zeros((X.shape[0] - kh + 1, X.shape[1] - kw + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + kh, j : j + kw] * K).sum()
    return Y


def corr2d_multi_in_out(X, K):
    """Y[o] = sum over input channels c of corr2d(X[c], K[o, c])."""
    return np.stack([sum(corr2d(x, k) for x, k in zip(X, K_o)) for K_o in K])


def pool2d(X, pool_size, mode, padding, stride):
    """Max or average over each window of the padded input."""
    (kh, kw), (ph, pw), (sh, sw) = pool_size, padding, stride
    fill = -np.inf if mode == "max" else 0.0
    Xp = np.pad(X, ((ph, ph), (pw, pw)), constant_values=fill)
    oh = (Xp.shape[0] - kh) // sh + 1
    ow = (Xp.shape[1] - kw) // sw + 1
    Y = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            window = Xp[i * sh : i * sh + kh, j * sw : j * sw + kw]
            Y[i, j] = window.max() if mode == "max" else window.mean()
    return Y


def max_pool2d_grad(X, head, pool_size, padding, stride):
    """Gradient of max pooling: each window passes its head to its largest cell."""
    (kh, kw), (ph, pw), (sh, sw) = pool_size, padding, stride
    Xp = np.pad(X, ((ph, ph), (pw, pw)), constant_values=-np.inf)
    G = np.zeros_like(Xp)
    for i in range(head.shape[0]):
        for j in range(head.shape[1]):
            window = Xp[i * sh : i * sh + kh, j * sw : j * sw + kw]
            a, b = np.unravel_index(window.argmax(), window.shape)
            G[i * sh + a, j * sw + b] += head[i, j]
    return G[ph : ph + X.shape[0], pw : pw + X.shape[1]]
