"""The PyTorch reference of make bench for gfd-train (bench/train.sh): the same training
on the CPU, timed in steps per second.

    bench/train_torch.py --data Y.npy [--steps 30] [--threads 1] [--dtype float32]

Deng et al.'s toy set-up, as gfd-train -f drift --preset toy runs it: an MLP
32 -> 256 -> 256 -> 256 -> 2 (Linear, SiLU after each hidden layer, PyTorch's default
init), Adam lr 1e-3; each step 2048 noise rows z ~ N(0, I_32), x = f(z), 2048 data rows
drawn without replacement, the toy drift V at x (below), and an Adam step on
mse_loss(x, (x + V).detach()).

The toy drift (gfd-velocity(1), drift --preset toy): targets T = [X, Y], Laplace logits
L = -|x_i - t|/tau with tau = 0.05 and the self distance set to 1e6, no distance
scaling, A = sqrt(row softmax(L) * column softmax(L)) (rows over all N + M targets,
columns over the N particles), S_n, S_p the row sums of A's X and Y blocks, and
V = S_n A_Y Y - S_p A_X X (cross-weighted attraction minus repulsion; the x_i terms
cancel). No floor, no RMS normalisation. The softmaxes are taken in the log domain, as
gfd does, so float32 does not underflow.

Prints one line: torch <dtype> threads=<n> steps/s=<x>, timing only the training loop,
after 5 warm-up steps. A reference for the bench, never part of gfd."""
import argparse
import time

import numpy as np
import torch
import torch.nn.functional as F

ZDIM, HIDDEN, BATCH, TAU, LR, WARMUP = 32, (256, 256, 256), 2048, 0.05, 1e-3, 5


def mlp(zdim, hidden, dout):
    layers, width = [], zdim
    for h in hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.SiLU()]
        width = h
    layers.append(torch.nn.Linear(width, dout))
    return torch.nn.Sequential(*layers)


@torch.no_grad()
def toy_drift(x, y, tau=TAU):
    n = x.shape[0]
    dist = torch.cdist(x, torch.cat([x, y], 0))  # N x (N + M)
    dist.diagonal().fill_(1e6)                    # the self pairs, in the X block
    logit = dist.mul_(-1.0 / tau)
    row = torch.logsumexp(logit, dim=1, keepdim=True)
    col = torch.logsumexp(logit, dim=0, keepdim=True)
    a = logit.sub_(row.add(col).mul_(0.5)).exp_()  # sqrt(row softmax x column softmax)
    a_x, a_y = a[:, :n], a[:, n:]
    s_n, s_p = a_x.sum(1, keepdim=True), a_y.sum(1, keepdim=True)
    return s_n * (a_y @ y) - s_p * (a_x @ x)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=30, help="timed steps (after 5 warm-up steps)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    ap.add_argument("--data", required=True, help="the data Y (.npy, rows of points)")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    dtype = getattr(torch, a.dtype)
    data = torch.from_numpy(np.load(a.data).astype(np.float64)).to(dtype)
    m, d = data.shape
    if m < BATCH:
        ap.error(f"{a.data}: {m} rows, fewer than the {BATCH} drawn each step")
    net = mlp(ZDIM, HIDDEN, d).to(dtype)
    opt = torch.optim.Adam(net.parameters(), lr=LR, betas=(0.9, 0.999), eps=1e-8)

    def step():
        z = torch.randn(BATCH, ZDIM, dtype=dtype)
        x = net(z)
        y = data[torch.randperm(m)[:BATCH]]
        v = toy_drift(x.detach(), y)
        loss = F.mse_loss(x, (x + v).detach())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss

    for _ in range(WARMUP):
        step()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        loss = step()
    loss.item()
    t = time.perf_counter() - t0
    print(f"torch {a.dtype} threads={a.threads} steps/s={a.steps / t:.4g}")


if __name__ == "__main__":
    main()
