#!/usr/bin/env python3
"""Peers for the CPU backend's JMH figures, on the same shapes: NumPy (OpenBLAS) float32 and PyTorch (oneDNN) BF16.

Never part of the build or the tests. Run with a Python that has NumPy (and PyTorch for its peer: Debian python3-torch, /usr/bin/python3):

    python3 microbench/peers.py            # as the environment is
    /usr/bin/python3 microbench/peers.py --skip-numpy   # PyTorch alone, from Debian's python3-torch
    env -u OPENBLAS_NUM_THREADS -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 microbench/peers.py   # without OPENBLAS_*

Prints one line per peer and shape: median of --reps timed calls after warm-up, GFLOP/s by the same formula the
benchmarks use (2·rows·N·K per expert), and the OPENBLAS_* variables that were set, since some machines set
OPENBLAS_NUM_THREADS=1 and so slow NumPy down.
"""
import argparse
import os
import statistics
import time


def timed(fn, reps):
    for _ in range(2):
        fn()
    t = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        t.append(time.perf_counter() - t0)
    return statistics.median(t)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--experts", type=int, default=8)
    ap.add_argument("--rows", type=int, nargs="+", default=[64, 8, 1])
    ap.add_argument("--n", type=int, default=4096)
    ap.add_argument("--k", type=int, default=7168)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--mla-batch", type=int, nargs="*", default=[8, 1],
                    help="MLA decode peer (PyTorch BF16): batches, 128 heads, context 4096, D 576 / Dv 512")
    ap.add_argument("--torch-threads", type=int, default=os.cpu_count(),
                    help="PyTorch's intra-op threads (default: every CPU, as the CPU backend; Debian's build starts with 1)")
    ap.add_argument("--skip-numpy", action="store_true",
                    help="PyTorch only (Debian's /usr/bin/python3 may carry a NumPy without OpenBLAS: far slower)")
    a = ap.parse_args()
    env = {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS")}
    print("OPENBLAS_* set:", env or "none")
    if not a.skip_numpy:
        numpy_peer(a)
    torch_peer(a)


def numpy_peer(a):
    import numpy as np
    w = [np.random.default_rng(e).standard_normal((a.n, a.k), dtype=np.float32) for e in range(a.experts)]
    for rows in a.rows:
        x = [np.random.default_rng(100 + e).standard_normal((rows, a.k), dtype=np.float32) for e in range(a.experts)]
        s = timed(lambda: [x[e] @ w[e].T for e in range(a.experts)], a.reps)
        print(f"numpy f32 moe experts={a.experts} rows={rows} N={a.n} K={a.k}: {s * 1e3:.1f} ms, "
              f"{2 * a.experts * rows * a.n * a.k / s / 1e9:.1f} GFLOP/s")


def torch_peer(a):
    try:
        import torch
    except ImportError:
        print("torch: not installed (Debian: apt install python3-torch)")
        return
    torch.set_num_threads(a.torch_threads)
    wt = [torch.randn(a.n, a.k).to(torch.bfloat16) for _ in range(a.experts)]
    for rows in a.rows:
        xt = [torch.randn(rows, a.k).to(torch.bfloat16) for _ in range(a.experts)]
        s = timed(lambda: [xt[e] @ wt[e].T for e in range(a.experts)], a.reps)
        print(f"torch bf16 moe experts={a.experts} rows={rows} N={a.n} K={a.k} threads={torch.get_num_threads()}: "
              f"{s * 1e3:.1f} ms, {2 * a.experts * rows * a.n * a.k / s / 1e9:.1f} GFLOP/s")
    for b in a.mla_batch:
        # MLA decode in the absorbed form torch_compare.py times on GPUs: scores over the latent cache (576 = 512
        # latent + 64 RoPE), softmax, then the first 512 columns as V; the cache already gathered (no paging)
        h, ctx = 128, 4096
        q = torch.randn(b, h, 576).to(torch.bfloat16)
        kv = torch.randn(b, ctx, 576).to(torch.bfloat16)
        def mla():
            p = torch.softmax(torch.einsum("bhd,bld->bhl", q, kv).float() * 576 ** -0.5, dim=-1).to(torch.bfloat16)
            return torch.einsum("bhl,bld->bhd", p, kv[..., :512])
        s = timed(mla, a.reps)
        flops = 2 * b * h * ctx * (576 + 512)
        print(f"torch bf16 mla-decode b={b} heads={h} ctx={ctx} threads={torch.get_num_threads()}: {s * 1e3:.1f} ms, "
              f"{flops / s / 1e9:.1f} GFLOP/s")
    xq = torch.randn(4096, 7168).to(torch.bfloat16)
    def quant():
        g = xq.float().view(4096, 56, 128)
        scale = g.abs().amax(-1, keepdim=True).clamp(min=1e-4) / 448.0
        return (g / scale).to(torch.float8_e4m3fn), scale
    if hasattr(torch, "float8_e4m3fn"):
        s = timed(quant, a.reps)
        nbytes = 4096 * 7168 * 3 + 4096 * 56 * 4
        print(f"torch fp8 quantize 4096x7168 1x128: {s * 1e3:.1f} ms, {nbytes / s / 1e9:.2f} GB/s")


if __name__ == "__main__":
    main()
