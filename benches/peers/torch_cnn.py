#!/usr/bin/env python3
"""PyTorch peer of vitrum-neural's CNN: training time per epoch on CPU, float32.

Usage (from the workspace root; torch lives in a venv outside the repository, never in CI):
  python3 -m venv /work/torch-venv && /work/torch-venv/bin/pip install torch numpy
  /work/torch-venv/bin/python benches/peers/torch_cnn.py --threads 1
  /work/torch-venv/bin/python benches/peers/torch_cnn.py --threads 2 [--input g|partials|both]
      [--epochs 50] [--warmup 2]
The vitrum side, measured the same way (its first output lines are the same JSON; the filter
`json-only` names no Criterion bench, so only those lines run):
  RAYON_NUM_THREADS=1 cargo bench -p vitrum-neural --bench cnn_epoch -- json-only
  RAYON_NUM_THREADS=1 cargo bench -p vitrum-neural --bench cnn_epoch     # + Criterion

What it measures: wall time per training epoch of the same network, data, optimiser and epoch
work as vitrum-neural's default CNN (crates/vitrum-neural/src/{net,train,model}.rs), printed as
one JSON line per input: the median (and mean, min) of `--epochs` epochs after `--warmup`
warm-up epochs, no early stopping. Timed with time.perf_counter at the end of every epoch.

- Data: fixtures/dataset-ka2d training rows 0..120; input `g` = total g(r), 1 channel x 200
  bins; `partials` = g_11, g_12, g_22 as 3 channels x 200 bins; targets = VDOS on 100 bins.
  Standardised as vitrum does: per-column mean, one scale for all columns of a block (the
  root of the mean column variance), float32.
- Split: 24 of the 120 rows (validation_fraction 0.2) held out, 96 trained on.
- Network: Conv1d(C, 8, 5, padding=2) -> ReLU -> AvgPool1d(2) -> Conv1d(8, 8, 5, padding=2)
  -> ReLU -> AvgPool1d(2) -> Flatten (400) -> Linear(400, 64) -> ReLU -> Linear(64, 100);
  PyTorch's default initialisation (uniform +-1/sqrt(fan_in), as vitrum draws it).
- Epoch: shuffle the 96 row ids, 6 mini-batches of 16 (gather rows, forward, MSE loss,
  zero_grad, backward, AdamW step, loss.item()), then the validation loss over the 24 held-out
  rows (no_grad) and a copy of the weights when it falls (vitrum keeps the best epoch's).
- Optimiser: torch.optim.AdamW(lr=3e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0),
  torch's default (single-tensor) implementation on CPU, as candle-nn's AdamW.
- Threads: torch.set_num_threads(T) (intra-op); inter-op threads left at torch's default.

Measured with torch 2.15.0 (PyPI wheel, +cu132 build, run on CPU), numpy 2.4.6.
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "fixtures", "dataset-ka2d")
WIDTH, KERNEL, HIDDEN, LEARNING_RATE = 8, 5, 64, 3e-3
BATCH, VALIDATION_FRACTION, N_TRAIN = 16, 0.2, 120


def standardised(a):
    """vitrum-neural's model.rs `moments` + `standardised`: (a - column mean) / one scale."""
    mean = a.mean(axis=0)
    rms = np.sqrt(a.var(axis=0).mean())
    scale = rms if rms > 0 else 1.0
    return ((a - mean) / scale).astype(np.float32)


def dataset(kind):
    y = np.load(os.path.join(DATA, "targets.npy"))[:N_TRAIN]
    if kind == "g":
        x = np.load(os.path.join(DATA, "features.npy"))[:N_TRAIN]
        channels = 1
    else:
        p = np.load(os.path.join(DATA, "features_partials.npy"))[:N_TRAIN]
        channels = p.shape[1]
        x = p.reshape(p.shape[0], -1)
    return standardised(x), standardised(y), channels


def network(channels, length, targets):
    return nn.Sequential(
        nn.Conv1d(channels, WIDTH, KERNEL, padding=KERNEL // 2),
        nn.ReLU(),
        nn.AvgPool1d(2),
        nn.Conv1d(WIDTH, WIDTH, KERNEL, padding=KERNEL // 2),
        nn.ReLU(),
        nn.AvgPool1d(2),
        nn.Flatten(),
        nn.Linear(WIDTH * (length // 2 // 2), HIDDEN),
        nn.ReLU(),
        nn.Linear(HIDDEN, targets),
    )


def measure(kind, threads, warmup, epochs, seed):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    x_np, y_np, channels = dataset(kind)
    n, features = x_np.shape
    length = features // channels
    model = network(channels, length, y_np.shape[1])
    n_params = sum(p.numel() for p in model.parameters())

    order = rng.permutation(n)
    n_val = int(round(VALIDATION_FRACTION * n))
    x = torch.from_numpy(x_np)
    y = torch.from_numpy(y_np)
    val = torch.from_numpy(order[:n_val].astype(np.int64))
    xv = x.index_select(0, val).view(n_val, channels, length)
    yv = y.index_select(0, val)
    train_rows = torch.from_numpy(order[n_val:].astype(np.int64))
    n_train = len(train_rows)

    opt = torch.optim.AdamW(
        model.parameters(), lr=LEARNING_RATE, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0
    )
    best_loss = float("inf")
    best = [p.detach().clone() for p in model.parameters()]
    stamps = []
    for _ in range(warmup + epochs):
        rows = train_rows[torch.randperm(n_train)]
        total, batches = 0.0, 0
        for start in range(0, n_train, BATCH):
            b = rows[start : start + BATCH]
            xb = x.index_select(0, b).view(len(b), channels, length)
            yb = y.index_select(0, b)
            loss = F.mse_loss(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            batches += 1
        train_loss = total / batches
        if not np.isfinite(train_loss):
            raise RuntimeError(f"training diverged (loss {train_loss})")
        with torch.no_grad():
            val_loss = F.mse_loss(model(xv), yv).item()
        if val_loss < best_loss:
            best_loss = val_loss
            best = [p.detach().clone() for p in model.parameters()]
        stamps.append(time.perf_counter())
    times = np.diff(np.array(stamps[warmup - 1 :]))
    return {
        "side": f"torch {torch.__version__}",
        "input": kind,
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "warmup_epochs": warmup,
        "timed_epochs": epochs,
        "median_s_per_epoch": float(np.median(times)),
        "mean_s_per_epoch": float(times.mean()),
        "min_s_per_epoch": float(times.min()),
        "parameters": n_params,
        "layers": [str(m) for m in model],
        "optimiser": "AdamW(lr=3e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)",
        "batch_size": BATCH,
        "n_train": n_train,
        "n_validation": n_val,
        "final_train_loss": train_loss,
        "best_validation_loss": best_loss,
        "kept_tensors": len(best),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--input", choices=["g", "partials", "both"], default="both")
    ap.add_argument("--epochs", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    if a.warmup < 1 or a.epochs < 1:
        ap.error("--warmup and --epochs must be >= 1 (the first timed epoch starts at a warm-up's end)")
    torch.set_num_threads(a.threads)
    for kind in ["g", "partials"] if a.input == "both" else [a.input]:
        print(json.dumps(measure(kind, a.threads, a.warmup, a.epochs, a.seed)), flush=True)


if __name__ == "__main__":
    main()
