#!/usr/bin/env python3
"""CPU self-check of torch_compare.py's DeepSeek-V4 candidates (needs torch; any version, CPU is enough).

Run from bench/scripts: python3 torch_compare_v4_selftest.py. Checks the shared-KV sparse decode candidates against
a per-query F64 loop of the spec's math on tiny shapes (sinks +inf / -inf / finite, an empty sequence, D 576,
s_q 1 and 2, with and without the extra cache), the E4M3 encoder fallback on every code and midpoint, and the
cache-write bytes (MODEL1, V3.2, BF16) decoded independently, including that no other byte is touched.
"""
import sys, math, struct
sys.path.insert(0, __import__('os').path.dirname(__import__('os').path.abspath(__file__)))
import torch
import torch_compare as tc
print("torch", torch.__version__)
torch.manual_seed(0)

def spec(sink=True, extra=True, d=512, fmt="FP8_MODEL1", sq=2):
    s = {"family": "attention", "variant": "sparse-sharedkv-decode", "numHeads": 4, "headDim": d, "valueDim": 512,
         "softmaxScale": d ** -0.5, "queriesPerSeq": sq, "format": fmt, "sink": sink, "returnLse": True,
         "main": {"topk": 8, "pageBlockSize": 4, "numPages": 6, "tokens": [8, 5, 0], "lengths": [8, 5, 0]}}
    if extra:
        s["extra"] = {"topk": 6, "pageBlockSize": 2, "numPages": 9, "tokens": [6, 3, 0], "lengths": [6, 2, 0]}
    return s

def slow(s, t):
    """Per query, per head, in F64 with Python loops: the spec's math."""
    q = t["q"].double(); B, SQ, H, D = q.shape
    out = torch.zeros(B, SQ, H, 512, dtype=torch.float64); lse = torch.zeros(B, H, SQ, dtype=torch.float64)
    for b in range(B):
        for si in range(SQ):
            rows = []
            for name in ("main", "extra"):
                if name not in t: continue
                x = t[name]; n = int(x["lengths"][b])
                for j in range(n):
                    i = int(x["indices"][b, si, j])
                    if i >= 0: rows.append(x["cache"][i].double())
            for h in range(H):
                if not rows:
                    lse[b, h, si] = math.inf; continue
                p = [s["softmaxScale"] * float(q[b, si, h] @ r) for r in rows]
                m = max(p); l = m + math.log(sum(math.exp(v - m) for v in p))
                o = sum(math.exp(v - l) * r[:512] for v, r in zip(p, rows))
                if "sink" in t:
                    o = o / (1 + math.exp(float(t["sink"][h]) - l))
                out[b, si, h] = o; lse[b, h, si] = l
    return out, lse

worst = 0
for kw in [{}, {"sink": False}, {"extra": False}, {"d": 576, "fmt": "BF16"}, {"sq": 1}]:
    s = spec(**kw)
    t = tc.sharedkv_random_inputs(torch, s, device="cpu")
    if "sink" in t:
        t["sink"][0] = float("inf"); t["sink"][1] = float("-inf")
    want_o, want_l = slow(s, t)
    for name, fn in tc.sharedkv_candidates(torch, s, t).items():
        if "column" in name:
            o = fn()[0]; l = None
        else:
            o, l = fn()
        d = (o.double() - want_o).abs().max().item()
        worst = max(worst, d)
        assert d < 2e-2, (kw, name, d)
        if l is not None:
            fin = torch.isfinite(want_l)
            assert torch.equal(torch.isinf(l), torch.isinf(want_l)), (kw, "lse inf")
            assert (l.double()[fin] - want_l[fin]).abs().max().item() < 1e-4, kw
    assert (want_o[2] == 0).all(), "empty sequence gives 0"
print("sharedkv candidates ok, max |diff| vs F64 loop", worst)

# cache write: decode the bytes independently and compare with the rule
def e4m3(code):
    s_ = -1.0 if code & 0x80 else 1.0; e = (code >> 3) & 0xF; m = code & 7
    return s_ * (m / 8 * 2 ** -6 if e == 0 else (1 + m / 8) * 2 ** (e - 7))
codes = torch.tensor([float(e4m3(c)) for c in range(256) if (c & 0x7F) != 0x7F])
back = tc.e4m3_codes(torch, codes)
assert all(e4m3(int(b)) == float(v) for b, v in zip(back, codes)), "e4m3 fallback encode round-trips every value"
mids = (codes.sort().values[1:] + codes.sort().values[:-1]) / 2
for v in mids.tolist()[:400]:
    c = int(tc.e4m3_codes(torch, torch.tensor([v]))[0]); got = e4m3(c)
    lo = max(x for x in codes.tolist() if x <= v); hi = min(x for x in codes.tolist() if x >= v)
    assert got in (lo, hi)
print("e4m3 fallback ok (torch has float8:", hasattr(torch, "float8_e4m3fn"), ")")

for fmt, d, bs in [("FP8_MODEL1", 512, 4), ("FP8_V32", 576, 4), ("BF16", 512, 4)]:
    s = {"family": "cache-write", "tokens": 5, "headDim": d, "format": fmt, "pageBlockSize": bs, "numPages": 3}
    t = tc.cache_write_random_inputs(torch, s, device="cpu")
    cache = tc.cache_write_candidates(torch, s, t)["amax + power-of-two scale + e4m3 cast + byte scatter"]()
    kv = t["kv"].float()
    if fmt == "BF16":
        flat = cache.reshape(-1, d)
        assert torch.equal(flat[t["slot_mapping"]], t["kv"])
        print("cache write", fmt, "ok")
        continue
    raw = cache.reshape(-1).tolist()
    written = set()
    for i, sl in enumerate(t["slot_mapping"].tolist()):
        pg, off = divmod(sl, bs)
        if fmt == "FP8_MODEL1":
            stride = -(-bs * 584 // 576) * 576
            base = pg * stride + off * 576; sbase = pg * stride + bs * 576 + off * 8
            for tile in range(7):
                x = kv[i, tile * 64:(tile + 1) * 64]
                sc = 2.0 ** math.ceil(math.log2(max(x.abs().max().item() / 448, 1e-4)))
                assert raw[sbase + tile] == int(math.log2(sc)) + 127
                for j in range(64):
                    v = e4m3(raw[base + tile * 64 + j]) * sc
                    assert abs(v - x[j].item()) <= abs(x[j].item()) * 2 ** -3 + sc * 2 ** -9, (fmt, i, tile, j)
            rope = struct.unpack("<64H", bytes(raw[base + 448: base + 576]))
            assert list(rope) == t["kv"][i, 448:].view(torch.int16).to(torch.int32).bitwise_and(0xFFFF).tolist()
            written |= set(range(base, base + 576)) | set(range(sbase, sbase + 8))
        else:
            base = pg * bs * 656 + off * 656
            scs = struct.unpack("<4f", bytes(raw[base + 512: base + 528]))
            for tile in range(4):
                x = kv[i, tile * 128:(tile + 1) * 128]
                sc = 2.0 ** math.ceil(math.log2(max(x.abs().max().item() / 448, 1e-4)))
                assert scs[tile] == sc
                for j in range(0, 128, 7):
                    v = e4m3(raw[base + tile * 128 + j]) * sc
                    assert abs(v - x[j].item()) <= abs(x[j].item()) * 2 ** -3 + sc * 2 ** -9
            written |= set(range(base, base + 656))
    untouched = [raw[k] for k in range(len(raw)) if k not in written]
    assert all(v == 0xFF for v in untouched), fmt + ": bytes outside the written tokens keep 0xFF"
    print("cache write", fmt, "ok")
