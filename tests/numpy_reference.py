"""Plain NumPy references: one output element at a time, as the formulas say."""

import numpy as np


def _dilated_window(X, i, j, shape, dilation):
    """The cells of X that a dilated kernel at output (i, j) multiplies."""
    (kh, kw), (dh, dw) = shape, dilation
    return X[i : i + dh * (kh - 1) + 1 : dh, j : j + dw * (kw - 1) + 1 : dw]


def corr2d(X, K, dilation=(1, 1)):
    """Y[i, j] = sum over (a, b) of X[i + d_h a, j + d_w b] * K[a, b]."""
    (kh, kw), (dh, dw) = K.shape, dilation
    Y = np.zeros((X.shape[0] - dh * (kh - 1), X.shape[1] - dw * (kw - 1)))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (_dilated_window(X, i, j, K.shape, dilation) * K).sum()
    return Y


def corr2d_grads(X, K, head, dilation=(1, 1)):
    """Gradients of sum(head * corr2d(X, K)) with respect to X and K.

    Output (i, j) reads X[i + d_h a, j + d_w b] with weight K[a, b], so it
    passes head[i, j] * K[a, b] back to that cell and head[i, j] times the
    cell to K[a, b].
    """
    (kh, kw), (dh, dw) = K.shape, dilation
    dX, dK = np.zeros(X.shape), np.zeros(K.shape)
    for i in range(head.shape[0]):
        for j in range(head.shape[1]):
            window = (
                slice(i, i + dh * (kh - 1) + 1, dh),
                slice(j, j + dw * (kw - 1) + 1, dw),
            )
            dX[window] += head[i, j] * K
            dK += head[i, j] * X[window]
    return dX, dK


def corr2d_multi_in_out(X, K, dilation=(1, 1)):
    """Y[o] = sum over input channels c of corr2d(X[c], K[o, c])."""
    return np.stack([sum(corr2d(x, k, dilation) for x, k in zip(X, K_o)) for K_o in K])


def corr2d_multi_in_out_grads(X, K, head, dilation=(1, 1)):
    """Gradients of sum(head * corr2d_multi_in_out(X, K)) for X and K."""
    dX, dK = np.zeros(X.shape), np.zeros(K.shape)
    for o in range(K.shape[0]):
        for c in range(K.shape[1]):
            gx, gk = corr2d_grads(X[c], K[o, c], head[o], dilation)
            dX[c] += gx
            dK[o, c] = gk
    return dX, dK


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


def avg_pool2d_grad(X, head, pool_size, padding, stride):
    """Gradient of average pooling: each window spreads head / window size."""
    (kh, kw), (ph, pw), (sh, sw) = pool_size, padding, stride
    G = np.zeros((X.shape[0] + 2 * ph, X.shape[1] + 2 * pw))
    for i in range(head.shape[0]):
        for j in range(head.shape[1]):
            G[i * sh : i * sh + kh, j * sw : j * sw + kw] += head[i, j] / (kh * kw)
    return G[ph : ph + X.shape[0], pw : pw + X.shape[1]]
