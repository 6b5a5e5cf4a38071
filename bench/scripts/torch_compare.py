#!/usr/bin/env python3
"""Times the PyTorch expression of every case of a Dayzero run on the same GPU and compares.

Usage (on the GPU machine, right after `dayzero run --backends cpu,cuda` there, in the same session):

    python3 bench/scripts/torch_compare.py results/runs/<run>/results.json [--backend cuda] [--chips FILE]

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
scales where this PyTorch accepts them, else dequantize + BF16 matmul (labelled so); quantize — the torch
expression of the spec's recipe (amax per scaling unit, scale, divide, cast).

Percent of roofline uses the same rule as Dayzero's report (bench/chips/Roofline.java): attainable =
min(peak[precision], bandwidth x intensity), with FLOPs and bytes of the spec (results.json carries them) and the
chip entry of chips.json whose match rules fit torch.cuda.get_device_name().

Nothing here is needed by the build or the tests; it needs torch with CUDA.
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
    if fam == "moe-gemm":
        return {"BF16": "bf16", "FP8_BLOCK": "fp8", "INT8_W8A8": "int8"}[spec["type"]]
    if fam == "attention":
        return "bf16"
    if fam == "quantize":
        return "f32" if spec["inputType"] == "F32" else "bf16"
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
                torch._scaled_mm(a, wq[i].t(), scale_a=xs[starts[i]:starts[i] + r],
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


def attention_candidates(torch, s):
    F = torch.nn.functional
    v = s["variant"]
    lens = s["seqLens"]
    b, hq, dk, dv, scale = len(lens), s["numHeads"], s["headDim"], s["valueDim"], s["softmaxScale"]
    bf = torch.bfloat16
    cands = {}
    if v == "prefill":
        hkv = s["numKvHeads"]
        qs = [torch.randn(1, hq, L, dk, device="cuda", dtype=bf) for L in lens]
        ks = [torch.randn(1, hkv, L, dk, device="cuda", dtype=bf) for L in lens]
        vs = [torch.randn(1, hkv, L, dk, device="cuda", dtype=bf) for L in lens]

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


def candidates(torch, spec):
    fam = spec["family"]
    if fam == "quantize":
        return quantize_candidates(torch, spec)
    if fam == "moe-gemm":
        if spec["type"] == "BF16":
            return moe_bf16_candidates(torch, spec)
        if spec["type"] == "FP8_BLOCK":
            return moe_fp8_candidates(torch, spec)
        return {}
    if fam == "attention":
        return attention_candidates(torch, spec)
    return {}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", help="a Dayzero results.json")
    ap.add_argument("--backend", default="cuda")
    ap.add_argument("--chips", default=DEFAULT_CHIPS)
    ap.add_argument("--min-seconds", type=float, default=0.5)
    args = ap.parse_args(argv)

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
