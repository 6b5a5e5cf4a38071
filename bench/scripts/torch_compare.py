#!/usr/bin/env python3
"""Times the PyTorch expression of every case of a Dayzero run on the same GPU and compares.

Usage (on the GPU machine, right after `dayzero run --backends cpu,cuda` there, in the same session):

    python3 bench/scripts/torch_compare.py results/runs/<run>/results.json [--backend cuda] [--chips FILE]

or, to check the PyTorch candidates' answers (not their speed) on the exact inputs of `dayzero dump` outputs:

    python3 bench/scripts/torch_compare.py --dump DUMP_DIR [DUMP_DIR ...] [--device cpu|cuda] [--max-rows N]

For each case the backend ran (status passed), it builds random inputs of the case's spec (read from
results.json: the spec JSON carries every shape) and times each PyTorch candidate with CUDA events (3 warm-up
calls, then samples until 0.5 s or 200 samples; median), keeps the fastest as "the best PyTorch expression",
and writes beside results.json:

    torch-compare.json   every case: Dayzero median, each candidate's median, speedup = torch / dayzero
    torch-compare.md     the same as a table, with percent of the attainable roofline of both

Candidates (the issue's list): prefill — scaled_dot_product_attention per sequence (GQA via enable_gqa);
paged decode — gather the pages once (outside timing) then SDPA with a length mask; MLA decode — einsum
softmax einsum over the gathered latent cache, and SDPA with one KV head; sparse MLA — gather the top-k rows
(inside timing: it is part of the operator) then einsum; FP8 MLA — the same on the cache dequantized to BF16
outside timing (PyTorch has no FP8 MLA; labelled so); MoE BF16 — torch._grouped_mm where present, a per-expert
matmul loop (cuBLAS/cuBLASLt), both; MoE FP8 block-scaled — torch._scaled_mm per expert with 1x128 / 128x128
scales where this PyTorch accepts them, else dequantize + BF16 matmul (labelled so; UE8M0-scaled cases use the
same candidates: the scale format does not change PyTorch's arithmetic); MoE MXFP4 (V4-Flash experts) —
dequantize to BF16 inside timing + per-expert matmul, and BF16 matmul on weights dequantized outside timing (both
labelled not an MXFP4 path: PyTorch has no FP8-1x128 x MXFP4 GEMM); quantize — the torch
expression of the spec's recipe (amax per scaling unit, scale, divide, cast); indexer (DeepSeek sparse
attention's lightning indexer) — einsum of the queries with the keys (gathered through the block table inside
timing for the paged cache), ReLU, the per-head weights, the key scales, a length / causal mask, then
torch.topk, once in F32 (FP8 codes decoded to F32: PyTorch has no FP8 einsum) and once in BF16 on the tensor
cores (FP8 E4M3 values are exact in BF16, but the BF16 scores may reorder near-ties); sparse prefill — gather the
top-k latent rows (inside timing) then einsum-softmax-einsum, in query chunks that keep the gather under 2 GiB;
DeepSeek-V4 shared-KV sparse decode — gather the indexed rows of both caches (inside timing), mask past the
lengths and -1, softmax in F32 with the natural-log lse, the sink as 1 / (1 + exp(sink - lse)) on the output (and
once as an extra softmax column), an empty row giving 0 and lse +inf; FP8 caches are taken as dequantized BF16
(labelled); KV-cache quantize-and-insert — per-tile amax, power-of-two scale, E4M3 cast, byte scatter into the
MODEL1 (584 B, block-interleaved) or V3.2 (656 B) pages.

Dump mode (--dump): reads a `dayzero dump` directory (case.json and the .npy files, in the spec's own layout:
FP8 as uint8 codes, BF16 as uint16, the FP8 indexer cache as DeepGEMM's fused [pages, page x (D + 4)] bytes)
and runs each candidate on those inputs. An indexer top-k row is judged against the oracle's scores the dump
writes (right count, valid keys first then -1, distinct, every key's score no lower than the k-th, within a
2^-9 x max|score| allowance: an approximation of the kit's per-key bound); sparse prefill rows are compared with
the oracle's F64 rows (max |diff|, cosine). Without torch, dump mode runs a pure-Python reference of the same
layout on the sampled rows instead and compares its scores / rows with the oracle's: a check of the layout
reading, not of a candidate.

Percent of roofline uses the same rule as Dayzero's report (bench/chips/Roofline.java): attainable =
min(peak[precision], bandwidth x intensity), with FLOPs and bytes of the spec (results.json carries them) and the
chip entry of chips.json whose match rules fit torch.cuda.get_device_name().

Nothing here is needed by the build or the tests; it needs torch with CUDA. torch_compare_v4_selftest.py checks the
DeepSeek-V4 candidates' numbers on CPU (any torch) against a per-query F64 loop and independently decoded bytes.
"""
import argparse
import json
import math
import os
import re
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CHIPS = os.path.join(HERE, "..", "src", "main", "resources", "dev", "dayzero", "bench", "chips", "chips.json")


# ---------------------------------------------------------------- pure helpers (no torch)

def precision_of(spec):
    """Roofline.precisionOf: which peak applies to the spec."""
    fam = spec["family"]
    if fam in ("moe-gemm", "gemm"):
        return {"BF16": "bf16", "FP8_BLOCK": "fp8", "INT8_W8A8": "int8", "MXFP4_FP8": "fp8",
                "MXFP4_BF16": "bf16"}[spec["type"]]
    if fam == "attention":
        return "bf16"
    if fam == "quantize":
        return "f32" if spec["inputType"] == "F32" else "bf16"
    if fam == "indexer":
        return {"FP8": "fp8", "BF16": "bf16"}[spec["keyType"]]
    if fam == "cache-write":
        return "bf16"
    raise ValueError("unknown family " + fam)


def find_chip(chips, device_name):
    """The chips.json entry whose match rules fit the device name, or None."""
    for c in chips.get("chips", []):
        m = c.get("match", {})
        if any(s in device_name for s in m.get("contains", [])):
            return c
    for c in chips.get("chips", []):
        m = c.get("match", {})
        if any(re.search(r, device_name) for r in m.get("regex", [])):
            return c
    return None


def percent_of_roofline(spec, ms, chip):
    """Achieved TFLOP/s as percent of min(peak, bandwidth x intensity); NaN without both roofs."""
    if chip is None or ms is None or ms <= 0:
        return float("nan")
    peak = chip.get("peaks", {}).get(precision_of(spec), {}).get("value")
    bw = chip.get("bandwidth", {}).get("value")
    if not peak or not bw:
        return float("nan")
    flops, nbytes = spec["flops"], spec["bytes"]
    intensity = flops / nbytes
    attainable = min(peak, bw * intensity / 1000.0)  # TFLOP/s
    achieved = flops / (ms / 1e3) / 1e12
    return 100.0 * achieved / attainable


def fmt(v, digits=3):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{v:.{digits}g}" if isinstance(v, float) else str(v)


# ---------------------------------------------------------------- dump reading and judging (no torch)

def npy_read(path):
    """(descr, shape, raw little-endian bytes) of a .npy file of format 1.0 or 2.0, C order."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] != b"\x93NUMPY":
        raise ValueError(path + " is not a .npy file")
    if data[6] == 1:
        hlen, start = data[8] | data[9] << 8, 10
    else:
        hlen, start = int.from_bytes(data[8:12], "little"), 12
    header = data[start:start + hlen].decode("latin1")
    descr = re.search(r"'descr':\s*'([^']+)'", header).group(1)
    if re.search(r"'fortran_order':\s*True", header):
        raise ValueError(path + ": Fortran order is not supported")
    dims = re.search(r"'shape':\s*\(([^)]*)\)", header).group(1)
    shape = [int(x) for x in dims.replace(" ", "").split(",") if x]
    return descr, shape, data[start + hlen:]


_NPY_STRUCT = {"<f8": "d", "<f4": "f", "<i4": "i", "<i8": "q", "<u2": "H", "|u1": "B", "|i1": "b"}


def npy_values(path):
    """(shape, flat list of Python numbers) of a .npy file."""
    import array
    descr, shape, raw = npy_read(path)
    a = array.array(_NPY_STRUCT[descr])
    a.frombytes(raw)
    if sys.byteorder != "little" and a.itemsize > 1:
        a.byteswap()
    return shape, a.tolist()


def fp8_e4m3_value(code):
    """The value of an F8_E4M3FN code (no infinities; 0x7f and 0xff are NaN)."""
    sign = -1.0 if code & 0x80 else 1.0
    e, m = (code >> 3) & 0xF, code & 0x7
    if e == 0xF and m == 0x7:
        return float("nan")
    if e == 0:
        return sign * m / 8.0 * 2.0 ** -6
    return sign * (1.0 + m / 8.0) * 2.0 ** (e - 7)


def bf16_value(bits):
    import struct
    return struct.unpack("<f", struct.pack("<I", (bits & 0xFFFF) << 16))[0]


def load_dump(directory):
    """case.json of a dump, and {(role, tensor): file path} of its tensors and oracle files."""
    with open(os.path.join(directory, "case.json")) as f:
        case = json.load(f)
    files = {}
    for e in case["files"]:
        files[(e["role"], e["tensor"])] = os.path.join(directory, e["file"])
        for extra in ("rowsFile", "firstKeyFile"):
            if extra in e:
                files[(e["role"], e["tensor"] + "." + extra)] = os.path.join(directory, e[extra])
    return case, files


def judge_topk_row(answer, scores, first_key, topk):
    """
    Is `answer` (one output row) a valid top-k for the row whose visible keys have `scores` (-inf past them;
    column j is key first_key + j)? Returns (ok, why). The allowance is 2^-9 x max|score| of the row.
    """
    n = sum(1 for v in scores if v != float("-inf"))
    want = min(topk, n)
    valid = []
    seen_pad = False
    for v in answer:
        if v == -1:
            seen_pad = True
            continue
        if seen_pad:
            return False, "a key after a -1"
        valid.append(v)
    if len(valid) != want:
        return False, f"{len(valid)} keys, want {want}"
    if len(set(valid)) != len(valid):
        return False, "a key repeated"
    cols = [v - first_key for v in valid]
    if any(c < 0 or c >= n for c in cols):
        return False, "a key the row does not see"
    if want == 0:
        return True, "no key"
    finite = [v for v in scores[:n]]
    kth = sorted(finite, reverse=True)[want - 1]
    tol = 2.0 ** -9 * max(abs(v) for v in finite)
    low = min(scores[c] for c in cols)
    if low < kth - tol:
        return False, f"a key of score {low:.6g} below the k-th {kth:.6g} (allowance {tol:.3g})"
    return True, f"{want} keys, lowest {low:.6g} vs k-th {kth:.6g}"


def py_indexer_scores(spec, tensors, row):
    """Pure-Python reference of one query row's scores over the keys it sees (layout check, small cases)."""
    h_n, d_n, fp8 = spec["heads"], spec["headDim"], spec["keyType"] == "FP8"
    val = fp8_e4m3_value if fp8 else bf16_value
    q = tensors["q"][1]
    w = tensors["weights"][1]
    if spec["variant"] == "topk":
        k, ks, ke, kscale = tensors["k"][1], tensors["ks"][1], tensors["ke"][1], tensors["k_scale"][1]
        keys = range(ks[row], ke[row])
        qrow = [[val(q[(row * h_n + h) * d_n + d]) for d in range(d_n)] for h in range(h_n)]
        out = []
        for j in keys:
            kv = [val(k[j * d_n + d]) for d in range(d_n)]
            acc = sum(w[row * h_n + h] * max(0.0, sum(a * b for a, b in zip(qrow[h], kv))) for h in range(h_n))
            out.append(acc * (kscale[j] if fp8 else 1.0))
        return out
    import struct
    nxt, page = spec["nextN"], spec["pageSize"]
    b, j = row // nxt, row % nxt
    lens = tensors["context_lens"][1][b * nxt + j]
    bt_shape, bt = tensors["block_table"]
    cache = tensors["k_cache"][1]
    row_bytes = page * (d_n + 4) if fp8 else page * d_n
    qrow = [[val(q[((b * nxt + j) * h_n + h) * d_n + d]) for d in range(d_n)] for h in range(h_n)]
    out = []
    for key in range(lens):
        blk = bt[b * bt_shape[1] + key // page]
        slot = key % page
        if fp8:
            base = blk * row_bytes
            kv = [val(cache[base + slot * d_n + d]) for d in range(d_n)]
            sb = bytes(cache[base + page * d_n + 4 * slot: base + page * d_n + 4 * slot + 4])
            scale = struct.unpack("<f", sb)[0]
        else:
            kv = [val(cache[(blk * page + slot) * d_n + d]) for d in range(d_n)]
            scale = 1.0
        acc = sum(w[row * h_n + h] * max(0.0, sum(a * c for a, c in zip(qrow[h], kv))) for h in range(h_n))
        out.append(acc * scale)
    return out


def py_sparse_prefill_row(spec, tensors, row):
    """Pure-Python reference of one sparse-prefill output row, flattened [heads x valueDim]."""
    h_n, dk, dv, topk, scale = spec["numHeads"], spec["headDim"], spec["valueDim"], spec["topk"], spec["softmaxScale"]
    q, kv, idx = tensors["q"][1], tensors["kv"][1], tensors["indices"][1]
    keys = [v for v in idx[row * topk:(row + 1) * topk] if v >= 0]
    rows = {j: [bf16_value(kv[j * dk + d]) for d in range(dk)] for j in keys}
    out = []
    for h in range(h_n):
        qh = [bf16_value(q[(row * h_n + h) * dk + d]) for d in range(dk)]
        if not keys:
            out.extend([0.0] * dv)
            continue
        logits = [scale * sum(a * b for a, b in zip(qh, rows[j])) for j in keys]
        top = max(logits)
        p = [math.exp(v - top) for v in logits]
        z = sum(p)
        out.extend(sum(p[i] * rows[j][d] for i, j in enumerate(keys)) / z for d in range(dv))
    return out


def compare_rows(got, want):
    """(max |diff|, cosine) of two flat lists."""
    diff = max((abs(a - b) for a, b in zip(got, want)), default=0.0)
    dot = sum(a * b for a, b in zip(got, want))
    na = math.sqrt(sum(a * a for a in got))
    nb = math.sqrt(sum(b * b for b in want))
    cos = dot / (na * nb) if na > 0 and nb > 0 else (1.0 if na == nb else 0.0)
    return diff, cos


# ---------------------------------------------------------------- torch parts

def time_cuda(torch, fn, min_seconds=0.5, max_samples=200):
    """Median milliseconds of fn() by CUDA events, after 3 warm-up calls."""
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    samples = []
    spent = 0.0
    while len(samples) < max_samples and (spent < min_seconds * 1e3 or len(samples) < 10):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        ms = start.elapsed_time(end)
        samples.append(ms)
        spent += ms
    return statistics.median(samples), len(samples)


def quantize_candidates(torch, s):
    m, k, br, bc = s["m"], s["k"], s["blockRows"], s["blockCols"]
    dt = torch.float32 if s["inputType"] == "F32" else torch.bfloat16
    x = torch.randn(m, k, device="cuda", dtype=dt)
    fmt_ = s["format"]
    out_dtype = {"F8_E4M3FN": torch.float8_e4m3fn, "F8_E5M2": torch.float8_e5m2, "I8": torch.int8}[fmt_]
    qmax = {"F8_E4M3FN": 448.0, "F8_E5M2": 57344.0, "I8": 127.0}[fmt_]
    ue8m0 = s["scaleType"] == "UE8M0"
    mp, kp = -(-m // br) * br, -(-k // bc) * bc

    def run():
        xf = x.float()
        if mp != m or kp != k:
            xf = torch.nn.functional.pad(xf, (0, kp - k, 0, mp - m))
        blocks = xf.view(mp // br, br, kp // bc, bc)
        amax = blocks.abs().amax(dim=(1, 3), keepdim=True).clamp_min(1e-30)
        scale = amax / qmax
        if ue8m0:
            scale = torch.exp2(torch.ceil(torch.log2(scale)))
        y = blocks / scale
        if out_dtype == torch.int8:
            y = y.round().clamp(-127, 127)
        q = y.to(out_dtype).view(mp, kp)[:m, :k]
        return q, scale

    return {"torch recipe (amax, scale, cast)": run}


def m_major(scales):
    """1x128 activation scales [M, K/128] stored M-major (strides (1, M)), the layout torch._scaled_mm's blockwise
    1x128 mode checks for (is_blockwise_1x128_scaling); a K-major [M, K/128] is refused with "Invalid scaling
    configuration" (what PyTorch 2.11 answered on the H200, 2026-12-04)."""
    return scales.t().contiguous().t()


def moe_inputs(torch, s):
    rows = s["rowsPerExpert"]
    e, n, k = s["experts"], s["n"], s["k"]
    masked = s["layout"] == "MASKED"
    total = e * s["maxRows"] if masked else sum(rows)
    x = torch.randn(max(total, 1), k, device="cuda", dtype=torch.bfloat16)
    w = torch.randn(e, n, k, device="cuda", dtype=torch.bfloat16) / math.sqrt(k)
    starts = [i * s["maxRows"] for i in range(e)] if masked else [sum(rows[:i]) for i in range(e)]
    return x, w, rows, starts


def moe_bf16_candidates(torch, s):
    x, w, rows, starts = moe_inputs(torch, s)
    out = torch.empty(x.shape[0], s["n"], device="cuda", dtype=torch.bfloat16)
    cands = {}

    def loop():
        for i, r in enumerate(rows):
            if r:
                torch.matmul(x[starts[i]:starts[i] + r], w[i].t(), out=out[starts[i]:starts[i] + r])

    cands["per-expert matmul (cuBLAS)"] = loop
    if hasattr(torch, "_grouped_mm") and s["layout"] == "CONTIGUOUS":
        offs = torch.tensor([sum(rows[:i + 1]) for i in range(len(rows))], device="cuda", dtype=torch.int32)
        wt = w.transpose(-2, -1)
        try:
            torch._grouped_mm(x, wt, offs=offs)
            cands["torch._grouped_mm"] = lambda: torch._grouped_mm(x, wt, offs=offs)
        except Exception as e:  # noqa: BLE001 - report why the candidate is missing
            cands["torch._grouped_mm"] = "unavailable: " + str(e).splitlines()[0]
    return cands


def moe_fp8_candidates(torch, s):
    x, w, rows, starts = moe_inputs(torch, s)
    n, k = s["n"], s["k"]
    xq = x.to(torch.float8_e4m3fn)
    wq = w.to(torch.float8_e4m3fn)
    xs = torch.rand(x.shape[0], k // 128, device="cuda", dtype=torch.float32) + 0.5
    ws = torch.rand(w.shape[0], -(-n // 128), k // 128, device="cuda", dtype=torch.float32) + 0.5
    cands = {}

    def scaled():
        for i, r in enumerate(rows):
            if r:
                a = xq[starts[i]:starts[i] + r]
                torch._scaled_mm(a, wq[i].t(), scale_a=m_major(xs[starts[i]:starts[i] + r]),
                                 scale_b=ws[i].t(), out_dtype=torch.bfloat16)

    try:
        scaled()
        cands["torch._scaled_mm per expert, 1x128 / 128x128 scales"] = scaled
    except Exception as e:  # noqa: BLE001
        cands["torch._scaled_mm per expert, 1x128 / 128x128 scales"] = "unavailable: " + str(e).splitlines()[0]

    def dequant():
        for i, r in enumerate(rows):
            if r:
                a = xq[starts[i]:starts[i] + r].float().view(r, k // 128, 128) * xs[starts[i]:starts[i] + r, :, None]
                b = wq[i].float() * ws[i].repeat_interleave(128, 0)[:n].repeat_interleave(128, 1)
                torch.matmul(a.view(r, k).bfloat16(), b.bfloat16().t())

    cands["dequantize + BF16 matmul (not an FP8 path)"] = dequant
    return cands


E2M1_VALUES = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, -0.0, -0.5, -1.0, -1.5, -2.0, -3.0, -4.0, -6.0]


def mxfp4_dequant(torch, packed, scales):
    """MXFP4 [n, k/2] uint8 (element 2i in the low nibble) with UE8M0 [n, k/32] -> float32 [n, k]."""
    lut = torch.tensor(E2M1_VALUES, device=packed.device, dtype=torch.float32)
    codes = torch.stack([packed & 0xF, packed >> 4], dim=-1).view(packed.shape[0], -1).long()
    s = torch.exp2(scales.float() - 127.0).repeat_interleave(32, dim=1)
    return lut[codes] * s


def moe_mxfp4_candidates(torch, s):
    """MXFP4 experts (V4-Flash). PyTorch has no FP8-1x128 x MXFP4 GEMM (torch._scaled_mm's MX mode scales both
    operands per 32, FP4 x FP4 or FP8 x FP8): the candidates dequantize to BF16, inside timing (the honest
    operator) and outside (a BF16 GEMM on pre-expanded weights, 4x the weight bytes; not an MXFP4 path)."""
    rows = s["rowsPerExpert"]
    e, n, k = s["experts"], s["n"], s["k"]
    masked = s["layout"] == "MASKED"
    total = max(e * s["maxRows"] if masked else sum(rows), 1)
    starts = [i * s["maxRows"] for i in range(e)] if masked else [sum(rows[:i]) for i in range(e)]
    w = torch.randint(0, 256, (e, n, k // 2), device="cuda", dtype=torch.uint8)
    ws = torch.randint(118, 124, (e, n, k // 32), device="cuda", dtype=torch.uint8)
    fp8 = s["type"] == "MXFP4_FP8"
    if fp8:
        xq = torch.randn(total, k, device="cuda").to(torch.float8_e4m3fn)
        xs = torch.randint(120, 128, (total, k // 128), device="cuda", dtype=torch.uint8)
    else:
        x = torch.randn(total, k, device="cuda", dtype=torch.bfloat16)

    def act(i, r):
        if not fp8:
            return x[starts[i]:starts[i] + r]
        a = xq[starts[i]:starts[i] + r].float().view(r, k // 128, 128)
        return (a * torch.exp2(xs[starts[i]:starts[i] + r].float() - 127.0)[:, :, None]).view(r, k).bfloat16()

    def inside():
        for i, r in enumerate(rows):
            if r:
                torch.matmul(act(i, r), mxfp4_dequant(torch, w[i], ws[i]).bfloat16().t())

    wb = [mxfp4_dequant(torch, w[i], ws[i]).bfloat16() if r else None for i, r in enumerate(rows)]

    def outside():
        for i, r in enumerate(rows):
            if r:
                torch.matmul(act(i, r), wb[i].t())

    return {"dequantize MXFP4 -> BF16 + per-expert matmul (not an MXFP4 path)": inside,
            "BF16 matmul on weights dequantized outside timing (4x weight bytes; not an MXFP4 path)": outside}


def gemm_candidates(torch, s):
    """Dense batched GEMM (GemmSpec): out[b] = x[b] @ w[b].T, x [B, M, K], w [B, N, K]."""
    bsz, m, n, k = s["batch"], s["m"], s["n"], s["k"]
    x = torch.randn(bsz, m, k, device="cuda", dtype=torch.bfloat16)
    w = torch.randn(bsz, n, k, device="cuda", dtype=torch.bfloat16) / math.sqrt(k)
    cands = {}
    if s["type"] == "BF16":
        wt = w.transpose(-2, -1)
        cands["torch.matmul (cuBLAS" + (" batched)" if bsz > 1 else ")")] = lambda: torch.matmul(x, wt)
        return cands
    if s["type"] == "INT8_W8A8":
        xq = torch.randint(-127, 128, (bsz, m, k), device="cuda", dtype=torch.int8)
        wq = torch.randint(-127, 128, (bsz, n, k), device="cuda", dtype=torch.int8)
        sx = torch.rand(bsz, m, 1, device="cuda") + 0.5
        sw = torch.rand(bsz, 1, n, device="cuda") + 0.5

        def int_mm():
            for i in range(bsz):
                (torch._int_mm(xq[i], wq[i].t()).float() * sx[i] * sw[i]).bfloat16()

        try:
            int_mm()
            cands["torch._int_mm + scales (per entry)"] = int_mm
        except Exception as e:  # noqa: BLE001 - _int_mm wants M > 16 and K, N multiples of 8
            cands["torch._int_mm + scales (per entry)"] = "unavailable: " + str(e).splitlines()[0]
        return cands
    # FP8_BLOCK: 1x128 activation and 128x128 weight scales; UE8M0 scales are powers of two, passed as F32 values
    xq = x.to(torch.float8_e4m3fn)
    wq = w.to(torch.float8_e4m3fn)
    xs = torch.rand(bsz, m, k // 128, device="cuda", dtype=torch.float32) + 0.5
    ws = torch.rand(bsz, -(-n // 128), k // 128, device="cuda", dtype=torch.float32) + 0.5
    if s.get("scaleType") == "UE8M0":
        xs, ws = torch.exp2(torch.ceil(torch.log2(xs))), torch.exp2(torch.ceil(torch.log2(ws)))

    def scaled():
        for i in range(bsz):
            torch._scaled_mm(xq[i], wq[i].t(), scale_a=m_major(xs[i]), scale_b=ws[i].t(), out_dtype=torch.bfloat16)

    name = "torch._scaled_mm, 1x128 / 128x128 block scales" + (" (per entry)" if bsz > 1 else "")
    try:
        scaled()
        cands[name] = scaled
    except Exception as e:  # noqa: BLE001
        cands[name] = "unavailable: " + str(e).splitlines()[0]

    def dequant():
        for i in range(bsz):
            a = xq[i].float().view(m, k // 128, 128) * xs[i][:, :, None]
            b = wq[i].float() * ws[i].repeat_interleave(128, 0)[:n].repeat_interleave(128, 1)
            torch.matmul(a.view(m, k).bfloat16(), b.bfloat16().t())

    cands["dequantize + BF16 matmul (not an FP8 path)"] = dequant
    return cands


def attention_candidates(torch, s):
    F = torch.nn.functional
    v = s["variant"]
    lens = s["seqLens"]
    b, hq, dk, dv, scale = len(lens), s["numHeads"], s["headDim"], s["valueDim"], s["softmaxScale"]
    bf = torch.bfloat16
    cands = {}
    if v == "sparse-prefill":
        t = sparse_prefill_random_inputs(torch, s)
        cands["gather top-k + einsum-softmax-einsum (chunked)"] = sparse_prefill_candidate(torch, s, t)
        return cands
    if v == "sparse-sharedkv-decode":
        return sharedkv_candidates(torch, s, sharedkv_random_inputs(torch, s))
    if v == "prefill":
        hkv = s["numKvHeads"]
        qs = [torch.randn(1, hq, L, dk, device="cuda", dtype=bf) for L in lens]
        ks = [torch.randn(1, hkv, L, dk, device="cuda", dtype=bf) for L in lens]
        vs = [torch.randn(1, hkv, L, dv, device="cuda", dtype=bf) for L in lens]  # Dv may differ from Dk

        def sdpa():
            for q, kk, vv in zip(qs, ks, vs):
                F.scaled_dot_product_attention(q, kk, vv, is_causal=s["causal"], scale=scale, enable_gqa=True)

        cands["scaled_dot_product_attention per sequence"] = sdpa
        return cands
    lmax = max(lens)
    mask = torch.arange(lmax, device="cuda")[None, :] < torch.tensor(lens, device="cuda")[:, None]  # [B, L]
    if v == "paged-decode":
        hkv = s["numKvHeads"]
        q = torch.randn(b, hq, 1, dk, device="cuda", dtype=bf)
        kk = torch.randn(b, hkv, lmax, dk, device="cuda", dtype=bf)
        vv = torch.randn(b, hkv, lmax, dk, device="cuda", dtype=bf)
        am = mask[:, None, None, :]
        cands["SDPA on the gathered cache, length mask"] = lambda: F.scaled_dot_product_attention(
            q, kk, vv, attn_mask=am, scale=scale, enable_gqa=True)
        return cands
    # MLA: q [B, Sq, H, 576]; the latent cache gathered to [B, L, 576]; V = its first 512 columns
    sq = s["queriesPerSeq"]
    q = torch.randn(b, sq, hq, dk, device="cuda", dtype=bf)
    fp8 = s["kvCache"] != "BF16"
    note = " (FP8 cache dequantized to BF16 outside timing)" if fp8 else ""
    if v == "mla-decode":
        kv = torch.randn(b, lmax, dk, device="cuda", dtype=bf)
        pos = torch.arange(lmax, device="cuda")
        # causal: query j of a sequence of length L sees tokens 0 .. L - Sq + j
        lim = torch.tensor(lens, device="cuda")[:, None] - sq + torch.arange(sq, device="cuda")[None, :]  # [B, Sq]
        vis = pos[None, None, :] <= lim[:, :, None] if s["causal"] else mask[:, None, :].expand(b, sq, lmax)
        bias = torch.zeros(b, sq, 1, lmax, device="cuda", dtype=torch.float32).masked_fill(~vis[:, :, None, :],
                                                                                           float("-inf"))

        def einsum():
            sc = torch.einsum("bshd,bld->bshl", q, kv).float() * scale + bias
            p = sc.softmax(-1).to(bf)
            return torch.einsum("bshl,bld->bshd", p, kv[..., :dv])

        cands["einsum-softmax-einsum" + note] = einsum
        qh = q.transpose(1, 2)  # [B, H, Sq, 576]
        kh = kv[:, None]  # [B, 1, L, 576]
        vh = kv[:, None, :, :dv]
        am = vis[:, None]  # [B, 1, Sq, L]
        cands["SDPA, one KV head" + note] = lambda: F.scaled_dot_product_attention(
            qh, kh, vh, attn_mask=am, scale=scale, enable_gqa=True)
        return cands
    if v == "sparse-mla-decode":
        topk = s["topk"]
        pages = s["numPages"] * s["pageSize"]
        cache = torch.randn(pages, dk, device="cuda", dtype=bf)
        idx = torch.randint(0, pages, (b, sq, topk), device="cuda")
        n_valid = torch.tensor([min(topk, L) for L in lens], device="cuda")
        valid = torch.arange(topk, device="cuda")[None, None, :] < n_valid[:, None, None]
        bias = torch.zeros(b, sq, 1, topk, device="cuda").masked_fill(~valid[:, :, None, :], float("-inf"))

        def gathered():
            kv = cache[idx]  # [B, Sq, topk, 576]
            sc = torch.einsum("bshd,bskd->bshk", q, kv).float() * scale + bias
            p = sc.softmax(-1).to(bf)
            return torch.einsum("bshk,bskd->bshd", p, kv[..., :dv])

        cands["gather top-k + einsum-softmax-einsum" + note] = gathered
        return cands
    raise ValueError("unknown attention variant " + v)


# ---------------------------------------------------------------- indexer and sparse prefill (torch)

def indexer_random_inputs(torch, s, device="cuda"):
    """Random inputs of an indexer spec in its own layout (the names and shapes of the spec's inputs)."""
    h, d, fp8 = s["heads"], s["headDim"], s["keyType"] == "FP8"
    vt = torch.float8_e4m3fn if fp8 else torch.bfloat16

    def values(*shape):
        return (torch.randn(*shape, device=device) * 0.5).to(vt)

    if s["variant"] == "topk":
        lens = s["seqLens"]
        t = sum(lens)
        starts = torch.tensor([sum(lens[:i]) for i in range(len(lens)) for _ in range(lens[i])], device=device)
        pos = torch.arange(t, device=device) - starts
        return {"q": values(t, h, d), "k": values(t, d),
                "k_scale": torch.rand(t, device=device) + 0.5, "weights": torch.randn(t, h, device=device),
                "ks": starts.int(), "ke": (starts + pos + 1).int()}
    lens, nxt, page, ratio = s["seqLens"], s["nextN"], s["pageSize"], s["compressRatio"]
    b = len(lens)
    keys = [L // ratio for L in lens]
    blocks = max(1, max(-(-k // page) for k in keys))
    pages = s["numPages"]
    table = torch.full((b, blocks), pages, dtype=torch.int32, device=device)  # unused entries: out of range
    nxt_page = 0
    for i, k in enumerate(keys):
        used = -(-k // page)
        table[i, :used] = torch.arange(nxt_page, nxt_page + used, device=device, dtype=torch.int32)
        nxt_page += used
    if fp8:
        codes = values(pages, page * d).view(torch.uint8)
        scales = (torch.rand(pages, page, device=device) + 0.5).view(torch.uint8)
        cache = torch.cat([codes, scales], dim=1)
    else:
        cache = values(pages, page, d)
    ctx = torch.tensor([[(L - nxt + 1 + j) // ratio for j in range(nxt)] for L in lens], dtype=torch.int32,
                       device=device)
    return {"q": values(b, nxt, h, d), "k_cache": cache, "weights": torch.randn(b * nxt, h, device=device),
            "context_lens": ctx, "block_table": table}


def _finish_topk(torch, logits, valid, topk):
    """-inf where not valid, torch.topk, -1 for -inf picks and past the row's keys: [rows, topk] int32."""
    logits = logits.masked_fill(~valid, float("-inf"))
    k = min(topk, logits.shape[-1])
    vals, idx = torch.topk(logits, k, dim=-1)
    idx = idx.masked_fill(vals == float("-inf"), -1).int()
    if k < topk:
        idx = torch.nn.functional.pad(idx, (0, topk - k), value=-1)
    return idx


def indexer_candidate(torch, s, t, compute):
    """
    A function computing the spec's output (indices [queries, topk] int32, or logits for paged-logits) from
    the tensors t by einsum + ReLU + weights + key scales + mask + torch.topk, multiplying in `compute`
    (torch.float32 or torch.bfloat16; FP8 codes are decoded to it).
    """
    h, d, fp8 = s["heads"], s["headDim"], s["keyType"] == "FP8"
    q = t["q"]
    w = t["weights"].float()
    if s["variant"] == "topk":
        k = t["k"]
        kscale = t["k_scale"].float() if fp8 else torch.ones(k.shape[0], device=k.device)
        ks, ke = t["ks"].long(), t["ke"].long()
        total = q.shape[0]
        chunk = max(1, (1 << 28) // max(1, h * total))  # keeps the [chunk, h, T] logits near 1 GiB in F32
        kc = k.to(compute)
        cols = torch.arange(total, device=q.device)

        def run():
            outs = []
            for r0 in range(0, total, chunk):
                r1 = min(total, r0 + chunk)
                lg = torch.einsum("thd,sd->ths", q[r0:r1].to(compute), kc).float().relu_()
                lg = (lg * w[r0:r1, :, None]).sum(1) * kscale[None, :]
                valid = (cols[None, :] >= ks[r0:r1, None]) & (cols[None, :] < ke[r0:r1, None])
                outs.append(_finish_topk(torch, lg, valid, s["topk"]))
            return torch.cat(outs)

        return run
    nxt, page = s["nextN"], s["pageSize"]
    cache = t["k_cache"]
    pages = cache.shape[0]
    table = t["block_table"].long().clamp(0, pages - 1)  # entries past the used ones are masked below
    b, blocks = table.shape
    ctx = t["context_lens"].long()
    if fp8:
        # gathered as bytes, then viewed as E4M3 (indexing kernels may not take float8 tensors)
        codes = cache[:, :page * d].reshape(pages, page, d).contiguous()
        scales = cache[:, page * d:].contiguous().view(torch.float32).reshape(pages, page)
    else:
        codes = cache
        scales = torch.ones(pages, page, device=cache.device)
    width = blocks * page
    cols = torch.arange(width, device=cache.device)
    logits_only = s["variant"] == "paged-logits"
    max_keys = max(max(1, max(L // s["compressRatio"] for L in s["seqLens"])), 1)

    def run():
        keys = codes[table].reshape(b, width, d)  # gathered through the block table (timed)
        keys = (keys.view(torch.float8_e4m3fn) if fp8 else keys).to(compute)
        ksc = scales[table].reshape(b, width)
        lg = torch.einsum("bnhd,bld->bnhl", q.to(compute), keys).float().relu_()
        lg = (lg * w.view(b, nxt, h, 1)).sum(2) * ksc[:, None, :]  # [b, nextN, width]
        valid = cols[None, None, :] < ctx[:, :, None]
        lg = lg.reshape(b * nxt, width)
        valid = valid.reshape(b * nxt, width)
        if logits_only:
            out = lg.masked_fill(~valid, float("-inf"))[:, :max_keys]
            return out
        return _finish_topk(torch, lg, valid, s["topk"])

    return run


def indexer_candidates(torch, s, t=None):
    t = t if t is not None else indexer_random_inputs(torch, s)
    fp8 = s["keyType"] == "FP8"
    note = " (FP8 codes decoded to F32: PyTorch has no FP8 einsum)" if fp8 else ""
    return {"einsum F32 + ReLU + weights + torch.topk" + note: indexer_candidate(torch, s, t, torch.float32),
            "einsum BF16 tensor cores + ReLU + weights + torch.topk (BF16 scores)":
                indexer_candidate(torch, s, t, torch.bfloat16)}


def sparse_prefill_random_inputs(torch, s, device="cuda"):
    """q, kv and causal indices as the kit draws them: token i of a sequence keeps its last min(topk, i+1) rows."""
    lens, h, dk, topk = s["seqLens"], s["numHeads"], s["headDim"], s["topk"]
    t = sum(lens)
    starts = torch.tensor([sum(lens[:i]) for i in range(len(lens)) for _ in range(lens[i])], device=device)
    pos = torch.arange(t, device=device) - starts
    ar = torch.arange(topk, device=device)
    idx = (starts + pos)[:, None] - ar[None, :]
    idx = idx.masked_fill(ar[None, :] > pos[:, None], -1).int()
    return {"q": torch.randn(t, h, dk, device=device, dtype=torch.bfloat16),
            "kv": torch.randn(t, 1, dk, device=device, dtype=torch.bfloat16), "indices": idx[:, None, :]}


def sparse_prefill_candidate(torch, s, t):
    """Gather the top-k latent rows (timed) then einsum-softmax-einsum, in chunks of queries."""
    h, dk, dv, topk, scale = s["numHeads"], s["headDim"], s["valueDim"], s["topk"], s["softmaxScale"]
    q, kv, idx = t["q"], t["kv"][:, 0], t["indices"][:, 0].long()
    total = q.shape[0]
    chunk = max(1, (1 << 31) // (topk * dk * 2))  # the gathered [chunk, topk, dk] BF16 rows under 2 GiB

    def run():
        outs = []
        for r0 in range(0, total, chunk):
            r1 = min(total, r0 + chunk)
            ix = idx[r0:r1]
            valid = ix >= 0
            g = kv[ix.clamp(min=0)]  # [c, topk, dk]
            sc = torch.einsum("thd,tkd->thk", q[r0:r1], g).float() * scale
            sc = sc.masked_fill(~valid[:, None, :], float("-inf"))
            p = torch.nan_to_num(sc.softmax(-1), nan=0.0)  # a query with no index outputs zeros
            outs.append(torch.einsum("thk,tkd->thd", p.to(torch.bfloat16), g[..., :dv]))
        return torch.cat(outs)

    return run


# ---------------------------------------------------------------- DeepSeek-V4: shared-KV sparse decode, cache write

def sharedkv_random_inputs(torch, s, device="cuda"):
    """Random inputs of a SparseSharedKvDecode spec: q, each cache as BF16 rows [slots, D] (an FP8 spec's cache is
    taken as already dequantized: PyTorch has no FP8 attention, so the candidate is labelled), index rows of
    distinct slots (a few -1 among each row's leftmost lengths), lengths as the spec's, and a finite sink."""
    b, sq, h, d = len(s["main"]["tokens"]), s["queriesPerSeq"], s["numHeads"], s["headDim"]
    g = torch.Generator(device="cpu").manual_seed(13)

    def index_set(x):
        slots = x["numPages"] * x["pageBlockSize"]
        rows = torch.stack([torch.randperm(slots, generator=g)[:x["topk"]] for _ in range(b * sq)])
        rows = rows.reshape(b, sq, x["topk"]).int()
        rows[torch.rand(rows.shape, generator=g) < 0.02] = -1
        cache = (torch.randn(slots, d, generator=g) * 0.5).to(torch.bfloat16)
        return {"cache": cache.to(device), "indices": rows.to(device),
                "lengths": torch.tensor(x["lengths"], dtype=torch.int32, device=device)}

    t = {"q": (torch.randn(b, sq, h, d, generator=g) * 0.5).to(torch.bfloat16).to(device), "main": index_set(s["main"])}
    if s.get("extra"):
        t["extra"] = index_set(s["extra"])
    if s["sink"]:
        t["sink"] = torch.randn(h, generator=g).float().to(device)
    return t


def sharedkv_reference(torch, s, t, sink_as_column=False):
    """FlashMLA's sparse decode with a sink (tests/ref.py), in PyTorch: gather each query's indexed rows of both
    caches (inside timing), mask entries past the sequence's length and -1 entries, scores in F32, lse = natural-log
    logsumexp, out = softmax . V (V = all 512 dims for D = 512, the first 512 for D = 576), then out * 1 / (1 +
    exp(sink - lse)); a query with no valid token gives out 0 and lse +inf. sink_as_column: the sink as one more
    logit in the softmax instead (the same numbers; CANN-recipes' golden writes it that way). Returns (out [B,Sq,H,
    512] BF16, lse [B,H,Sq] F32)."""
    q, scale, dv = t["q"], s["softmaxScale"], 512
    rows, valid = [], []
    for name in ("main", "extra"):
        if name not in t:
            continue
        x = t[name]
        idx = x["indices"].long()
        k = idx.shape[-1]
        inside = torch.arange(k, device=idx.device)[None, None, :] < x["lengths"].long()[:, None, None]
        rows.append(x["cache"][idx.clamp(min=0)])  # [B, Sq, k, D]
        valid.append(inside & (idx >= 0))
    kv = torch.cat(rows, dim=2)
    ok = torch.cat(valid, dim=2)  # [B, Sq, K]
    sc = torch.einsum("bshd,bskd->bshk", q.float(), kv.float()) * scale
    sc = sc.masked_fill(~ok[:, :, None, :], float("-inf"))
    lse = torch.logsumexp(sc, dim=-1)  # [B, Sq, H]; -inf where nothing is valid
    empty = torch.isneginf(lse)
    if sink_as_column and "sink" in t:
        sink = t["sink"][None, None, :, None].expand(sc.shape[0], sc.shape[1], sc.shape[2], 1)
        p = torch.softmax(torch.cat([sc, sink], dim=-1), dim=-1)[..., :-1]
        p = torch.nan_to_num(p, nan=0.0)
        out = torch.einsum("bshk,bskd->bshd", p, kv[..., :dv].float())
    else:
        p = torch.nan_to_num(torch.exp(sc - lse[..., None]), nan=0.0)
        out = torch.einsum("bshk,bskd->bshd", p, kv[..., :dv].float())
        if "sink" in t:
            out = out * torch.sigmoid(lse - t["sink"][None, None, :])[..., None]  # 1 / (1 + exp(sink - lse))
    out = out.masked_fill(empty[..., None], 0.0)
    lse = lse.masked_fill(empty, float("inf"))
    return out.to(torch.bfloat16), lse.permute(0, 2, 1).contiguous()


def sharedkv_candidates(torch, s, t):
    note = "" if s["format"] == "BF16" else " (FP8 cache taken as dequantized BF16)"
    return {"gather both caches + einsum-softmax-einsum, sink factor on lse" + note:
            lambda: sharedkv_reference(torch, s, t),
            "gather both caches + softmax with the sink as a column" + note:
            lambda: sharedkv_reference(torch, s, t, sink_as_column=True)}


def cache_write_random_inputs(torch, s, device="cuda"):
    """kv rows BF16 [T, D] (a range of magnitudes, so scales differ per tile) and distinct slots I64 [T]."""
    g = torch.Generator(device="cpu").manual_seed(7)
    tok, d = s["tokens"], s["headDim"]
    mag = torch.pow(2.0, torch.randint(-12, 8, (tok, d // 64), generator=g).float()).repeat_interleave(64, dim=1)
    kv = (torch.randn(tok, d, generator=g) * mag).to(torch.bfloat16)
    slots = torch.randperm(s["numPages"] * s["pageBlockSize"], generator=g)[:tok]
    return {"kv": kv.to(device), "slot_mapping": slots.to(device)}


def e4m3_codes(torch, x):
    """FP8 E4M3FN codes (uint8) of F32 values already within +-448, round to nearest even: torch's float8_e4m3fn
    cast where this PyTorch has it, else the same rounding in F32 arithmetic."""
    if hasattr(torch, "float8_e4m3fn"):
        return x.to(torch.float8_e4m3fn).view(torch.uint8)
    a = x.abs().clamp(max=448.0)
    e = torch.floor(torch.log2(a.clamp(min=2.0 ** -9))).clamp(min=-6.0)
    step = torch.pow(2.0, e - 3)
    m = torch.round(a / step) * step  # torch.round: half to even
    e = torch.floor(torch.log2(m.clamp(min=2.0 ** -9))).clamp(min=-6.0)  # a carry may lift the exponent
    normal = m >= 2.0 ** -6
    field = torch.where(normal, e + 7, torch.zeros_like(e))
    mant = torch.where(normal, m / torch.pow(2.0, e) - 1.0, m / 2.0 ** -6) * 8
    code = (field * 8 + torch.round(mant)).to(torch.int32)
    code = torch.where(m == 0, torch.zeros_like(code), code)
    return (code | ((x < 0).to(torch.int32) << 7)).to(torch.uint8)


def cache_write_bytes(torch, s, t):
    """The quantize-and-insert in PyTorch: per tile, scale = 2^ceil(log2(max(amax / 448, 1e-4))) (FlashMLA's
    tests/quant.py), codes = e4m3(x / scale), then scatter each token's bytes into the U8 cache: MODEL1 data row
    (448 codes + 64 BF16) at page*stride + t*576 and its 7 UE8M0 exponents (+1 pad) at page*stride + B*576 + t*8;
    V3.2: 512 codes, 4 F32 scales, 64 BF16 at page*stride + t*656. BF16: the rows as they are. Returns the cache."""
    kv, slot, bsz, fmt = t["kv"], t["slot_mapping"].long(), s["pageBlockSize"], s["format"]
    pages = s["numPages"]
    if fmt == "BF16":
        cache = torch.full((pages * bsz, kv.shape[1]), 0, dtype=torch.bfloat16, device=kv.device)
        cache[slot] = kv
        return cache.view(pages, bsz, kv.shape[1])
    model1 = fmt == "FP8_MODEL1"
    nope, tile = (448, 64) if model1 else (512, 128)
    x = kv[:, :nope].float().reshape(kv.shape[0], nope // tile, tile)
    amax = x.abs().amax(dim=-1)
    exp = torch.ceil(torch.log2(torch.clamp(amax / 448.0, min=1e-4)))
    scale = torch.pow(2.0, exp)
    codes = e4m3_codes(torch, (x / scale[..., None]).reshape(kv.shape[0], nope))
    rope = kv[:, nope:].contiguous().view(torch.uint8).reshape(kv.shape[0], -1)  # 64 BF16 = 128 bytes
    page, off = slot // bsz, slot % bsz
    if model1:
        stride = -(-bsz * 584 // 576) * 576
        cache = torch.full((pages * stride,), 0xFF, dtype=torch.uint8, device=kv.device)
        data = torch.cat([codes, rope], dim=1)  # [T, 576]
        at = (page * stride + off * 576)[:, None] + torch.arange(576, device=kv.device)[None, :]
        cache[at.reshape(-1)] = data.reshape(-1)
        sc = torch.cat([(exp + 127).to(torch.uint8), torch.zeros(kv.shape[0], 1, dtype=torch.uint8,
                                                                    device=kv.device)], dim=1)  # [T, 8]
        at = (page * stride + bsz * 576 + off * 8)[:, None] + torch.arange(8, device=kv.device)[None, :]
        cache[at.reshape(-1)] = sc.reshape(-1)
        return cache.view(pages, stride)
    stride = bsz * 656
    cache = torch.full((pages * stride,), 0xFF, dtype=torch.uint8, device=kv.device)
    f32 = scale.float().contiguous().view(torch.uint8).reshape(kv.shape[0], 16)
    data = torch.cat([codes, f32, rope], dim=1)  # [T, 656]
    at = (page * stride + off * 656)[:, None] + torch.arange(656, device=kv.device)[None, :]
    cache[at.reshape(-1)] = data.reshape(-1)
    return cache.view(pages, stride)


def cache_write_candidates(torch, s, t):
    return {"amax + power-of-two scale + e4m3 cast + byte scatter": lambda: cache_write_bytes(torch, s, t)}


def candidates(torch, spec):
    fam = spec["family"]
    if fam == "quantize":
        return quantize_candidates(torch, spec)
    if fam == "moe-gemm":
        if spec["type"] == "BF16":
            return moe_bf16_candidates(torch, spec)
        if spec["type"] == "FP8_BLOCK":
            return moe_fp8_candidates(torch, spec)
        if spec["type"] in ("MXFP4_FP8", "MXFP4_BF16"):
            return moe_mxfp4_candidates(torch, spec)
        return {}
    if fam == "gemm":
        return gemm_candidates(torch, spec)
    if fam == "attention":
        return attention_candidates(torch, spec)
    if fam == "indexer":
        return indexer_candidates(torch, spec)
    if fam == "cache-write":
        return cache_write_candidates(torch, spec, cache_write_random_inputs(torch, spec))
    return {}


# ---------------------------------------------------------------- dump mode

_TORCH_LOAD = {"F8_E4M3FN": ("uint8", "float8_e4m3fn"), "BF16": ("int16", "bfloat16"), "U8": ("uint8", None),
               "F32": ("float32", None), "I32": ("int32", None), "I64": ("int64", None), "I8": ("int8", None)}


def dump_tensors_torch(torch, case, files, device):
    """The dump's inputs as torch tensors in the spec's layout, on device."""
    out = {}
    for e in case["files"]:
        if e["role"] != "input":
            continue
        _, shape, raw = npy_read(files[("input", e["tensor"])])
        load, view = _TORCH_LOAD[e["dtype"]]
        t = torch.frombuffer(bytearray(raw), dtype=getattr(torch, load)).reshape(shape)
        if view:
            t = t.view(getattr(torch, view))
        out[e["tensor"]] = t.to(device)
    return out


def dump_tensors_py(case, files):
    """The dump's inputs as (shape, flat list): FP8 and BF16 as their raw codes."""
    return {e["tensor"]: npy_values(files[("input", e["tensor"])]) for e in case["files"] if e["role"] == "input"}


def check_dump(directory, device, max_rows, use_torch):
    """Runs the candidates (or, without torch, the pure-Python reference) on one dump; returns lines of text."""
    case, files = load_dump(directory)
    s = case["spec"]
    lines = [f"{case['id']}: {s.get('describe', '')}"]
    fam, var = s["family"], s.get("variant")
    if fam == "indexer" and var in ("topk", "paged-topk"):
        name = "indices"
        _, rows = npy_values(files[("oracle", name + ".rowsFile")])
        sshape, scores = npy_values(files[("oracle", "scores")])
        _, first = npy_values(files[("oracle", "scores.firstKeyFile")])
        width = sshape[1]
        score_rows = [scores[i * width:(i + 1) * width] for i in range(len(rows))]
        take = list(range(min(max_rows, len(rows))))
        if use_torch:
            import torch
            t = dump_tensors_torch(torch, case, files, device)
            for cname, fn in indexer_candidates(torch, s, t).items():
                got = fn().cpu().tolist()
                bad = [(rows[i], why) for i in range(len(rows))
                       for ok, why in [judge_topk_row(got[rows[i]], score_rows[i], first[i], s["topk"])] if not ok]
                lines.append(f"  {cname}: {len(rows) - len(bad)} of {len(rows)} sampled rows valid"
                             + (f"; row {bad[0][0]}: {bad[0][1]}" if bad else ""))
        else:
            t = dump_tensors_py(case, files)
            worst = 0.0
            for i in take:
                ref = py_indexer_scores(s, t, rows[i])
                want = [v for v in score_rows[i] if v != float("-inf")]
                if len(ref) != len(want):
                    lines.append(f"  row {rows[i]}: {len(ref)} keys read, the oracle has {len(want)}")
                    worst = float("inf")
                    continue
                top = max((abs(v) for v in want), default=0.0) or 1.0
                worst = max(worst, max((abs(a - b) / top for a, b in zip(ref, want)), default=0.0))
            lines.append(f"  pure-Python layout reading ({len(take)} rows): max |score - oracle| / max|oracle| = "
                         f"{worst:.3g}")
            _, answer = npy_values(files[("oracle", name)])
            k = len(answer) // len(rows)
            ok = sum(1 for i in range(len(rows))
                     if judge_topk_row(answer[i * k:(i + 1) * k], score_rows[i], first[i], s["topk"])[0])
            lines.append(f"  the oracle's own answer judged valid on {ok} of {len(rows)} rows (judge self-check)")
        return lines
    if fam == "attention" and var == "sparse-prefill":
        _, rows = npy_values(files[("oracle", "out.rowsFile")])
        oshape, want = npy_values(files[("oracle", "out")])
        width = oshape[1]
        take = list(range(min(max_rows, len(rows))))
        if use_torch:
            import torch
            t = dump_tensors_torch(torch, case, files, device)
            out = sparse_prefill_candidate(torch, s, t)().float().reshape(t["q"].shape[0], -1).cpu().tolist()
            stats = [compare_rows(out[rows[i]], want[i * width:(i + 1) * width]) for i in range(len(rows))]
            lines.append(f"  gather top-k + einsum-softmax-einsum: max |diff| {max(d for d, _ in stats):.3g}, "
                         f"min cosine {min(c for _, c in stats):.6f} over {len(rows)} rows")
        else:
            t = dump_tensors_py(case, files)
            stats = [compare_rows(py_sparse_prefill_row(s, t, rows[i]), want[i * width:(i + 1) * width])
                     for i in take]
            lines.append(f"  pure-Python layout reading ({len(take)} rows): max |diff| "
                         f"{max(d for d, _ in stats):.3g}, min cosine {min(c for _, c in stats):.9f}")
        return lines
    lines.append("  no dump check for this family / variant (dump mode covers the indexer top-k and sparse prefill)")
    return lines


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", nargs="?", help="a Dayzero results.json")
    ap.add_argument("--backend", default="cuda")
    ap.add_argument("--chips", default=DEFAULT_CHIPS)
    ap.add_argument("--min-seconds", type=float, default=0.5)
    ap.add_argument("--dump", nargs="+", metavar="DIR", help="check the candidates on `dayzero dump` outputs")
    ap.add_argument("--device", default=None, help="dump mode: cpu or cuda (default: cuda when torch sees one)")
    ap.add_argument("--max-rows", type=int, default=8, help="dump mode without torch: rows the reference computes")
    ap.add_argument("--no-torch", action="store_true", help="dump mode: the pure-Python reference even with torch")
    args = ap.parse_args(argv)

    if args.dump:
        try:
            import torch  # noqa: F401
            use_torch = not args.no_torch
        except ImportError:
            use_torch = False
            print("torch_compare: no torch here: checking the dumps' layout with the pure-Python reference",
                  file=sys.stderr)
        device = args.device
        if use_torch and device is None:
            import torch
            device = "cuda" if torch.cuda.is_available() else "cpu"
        for d in args.dump:
            for line in check_dump(d, device, args.max_rows, use_torch):
                print(line, flush=True)
        return 0
    if not args.results:
        ap.error("name a results.json, or --dump DIR")

    import torch  # only here: the helpers above run without it

    if not torch.cuda.is_available():
        print("torch_compare: torch sees no CUDA device", file=sys.stderr)
        return 2
    with open(args.results) as f:
        results = json.load(f)
    with open(args.chips) as f:
        chips = json.load(f)
    device = torch.cuda.get_device_name()
    chip = find_chip(chips, device)
    rows = []
    for c in results["cases"]:
        if c.get("backend") != args.backend:
            continue
        spec = c.get("ran") or c["spec"]
        dz_ms = (c.get("timing") or {}).get("stats", {}).get("median")
        row = {"caseId": c["caseId"], "describe": spec.get("describe"), "status": c["status"],
               "dayzeroMs": dz_ms, "emulated": c.get("emulated", False), "candidates": {}}
        if c["status"] == "passed" and dz_ms:
            try:
                for name, fn in candidates(torch, spec).items():
                    if isinstance(fn, str):
                        row["candidates"][name] = {"unavailable": fn}
                        continue
                    try:
                        ms, n = time_cuda(torch, fn, args.min_seconds)
                        row["candidates"][name] = {"medianMs": ms, "samples": n}
                    except Exception as e:  # noqa: BLE001 - a candidate that fails is reported, not fatal
                        row["candidates"][name] = {"unavailable": str(e).splitlines()[0]}
            except torch.cuda.OutOfMemoryError as e:
                row["error"] = "out of memory: " + str(e).splitlines()[0]
            torch.cuda.empty_cache()
        timed = {k: v["medianMs"] for k, v in row["candidates"].items() if "medianMs" in v}
        if timed:
            best = min(timed, key=timed.get)
            row["best"] = best
            row["torchMs"] = timed[best]
            row["speedup"] = timed[best] / dz_ms  # > 1: Dayzero faster
            row["dayzeroPercentOfRoofline"] = percent_of_roofline(spec, dz_ms, chip)
            row["torchPercentOfRoofline"] = percent_of_roofline(spec, timed[best], chip)
        rows.append(row)
        print(f"[torch-compare] {row['caseId']}: dayzero {fmt(dz_ms)} ms, torch {fmt(row.get('torchMs'))} ms "
              f"({row.get('best', 'no candidate')}), speedup {fmt(row.get('speedup'))}", flush=True)

    out_dir = os.path.dirname(os.path.abspath(args.results))
    doc = {"schema": "dayzero.torch-compare/1", "results": os.path.abspath(args.results), "device": device,
           "chip": chip["id"] if chip else None, "torch": torch.__version__, "cuda": torch.version.cuda,
           "rows": rows}
    with open(os.path.join(out_dir, "torch-compare.json"), "w") as f:
        json.dump(doc, f, indent=1)
    with open(os.path.join(out_dir, "torch-compare.md"), "w") as f:
        f.write(f"# Dayzero `{args.backend}` vs PyTorch on {device}\n\n")
        f.write(f"torch {torch.__version__} (CUDA {torch.version.cuda}); chip entry {doc['chip']}; medians by CUDA "
                "events; speedup = PyTorch ÷ Dayzero (above 1: Dayzero faster).\n\n")
        f.write("| case | Dayzero ms | best PyTorch | PyTorch ms | speedup | Dayzero % roofline | PyTorch % roofline |\n")
        f.write("|---|---:|---|---:|---:|---:|---:|\n")
        for r in rows:
            f.write(f"| {r['caseId']} | {fmt(r['dayzeroMs'])} | {r.get('best', r.get('error', r['status']))} | "
                    f"{fmt(r.get('torchMs'))} | {fmt(r.get('speedup'))} | "
                    f"{fmt(r.get('dayzeroPercentOfRoofline'))} | {fmt(r.get('torchPercentOfRoofline'))} |\n")
        missing = [(r["caseId"], k, v["unavailable"]) for r in rows for k, v in r["candidates"].items()
                   if "unavailable" in v]
        if missing:
            f.write("\nCandidates that did not run:\n\n")
            for case, name, why in missing:
                f.write(f"- {case} — {name}: {why}\n")
    print(f"[torch-compare] wrote {out_dir}/torch-compare.json and .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
