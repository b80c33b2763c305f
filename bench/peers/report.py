#!/usr/bin/python3
"""Turns bench/compare_peers' measurements into the table of docs/performance.md (and stdout)."""
import argparse
import json
import platform
import subprocess


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def git_rev():
    try:
        return subprocess.check_output(["git", "rev-parse", "--short", "HEAD"], text=True).strip()
    except Exception:
        return "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--intformer", required=True)
    ap.add_argument("--nf4")
    ap.add_argument("--spin")
    ap.add_argument("--vnni")
    ap.add_argument("--nf4-vnni", dest="nf4_vnni")
    ap.add_argument("--peers", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--load", default="")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    ours = json.load(open(a.intformer))
    peers = [json.loads(l) for l in open(a.peers) if l.strip()]
    main_row = next(r for r in ours["results"] if r["batch"] == 1 and r["seq"] == 128)
    base = main_row["median_ms"]
    rows = [("intformer INT8 (%s)" % ours["gemm_kernel"], base, main_row["min_ms"], main_row["max_ms"])]
    if a.spin:
        sp = json.load(open(a.spin))["results"][0]
        rows.append(("intformer INT8, INTFORMER_POOL=spin", sp["median_ms"], sp["min_ms"], sp["max_ms"]))
    nf4_line = ""
    if a.nf4:
        nf4 = json.load(open(a.nf4))
        nf = nf4["results"][0]
        rows.append(("intformer NF4", nf["median_ms"], nf["min_ms"], nf["max_ms"]))
        nf4_line = ("\nintformer NF4 latency / INT8 latency: **%.2f** (goal <= 1.25); NF4 file %.1f MiB = "
                    "**%.3f** x the INT8 file (goal <= 0.55); NF4 load %.2f ms, peak RSS %.1f MiB.\n"
                    % (nf["median_ms"] / base, nf4["file_mib"], nf4["file_mib"] / ours["file_mib"],
                       nf4["load_ms"], nf["peak_rss_mib"]))
    vnni_line = ""
    if a.vnni:
        vi = json.load(open(a.vnni))["results"][0]
        rows.append(("intformer INT8, kernels capped at avx512vnni", vi["median_ms"], vi["min_ms"], vi["max_ms"]))
        if a.nf4_vnni:
            vn = json.load(open(a.nf4_vnni))["results"][0]
            rows.append(("intformer NF4, kernels capped at avx512vnni", vn["median_ms"], vn["min_ms"], vn["max_ms"]))
            vnni_line = ("\nWith the kernels capped at AVX-512 VNNI (a CPU without AMX): NF4 / INT8 = **%.2f**.\n"
                         % (vn["median_ms"] / vi["median_ms"]))
    names = {"ort_int8": "ONNX Runtime INT8 (quantize_dynamic form)", "ort_fp32": "ONNX Runtime FP32",
             "torch_fp32": "PyTorch FP32"}
    versions = {}
    for p in peers:
        label = names.get(p["peer"], p["peer"].replace("torch_dynamic_int8_", "PyTorch dynamic INT8 (") +
                          (")" if p["peer"].startswith("torch_dynamic") else ""))
        rows.append((label, p["median_ms"], p["min_ms"], p["max_ms"]))
        for k in ("onnxruntime_node", "torch"):
            if k in p:
                versions[k] = p[k]
    ort = next((p["median_ms"] for p in peers if p["peer"] == "ort_int8"), None)
    lines = []
    lines.append("| runtime | median ms | min ms | max ms | intformer INT8 / this |")
    lines.append("|---|---:|---:|---:|---:|")
    for name, med, lo, hi in rows:
        lines.append("| %s | %.2f | %.2f | %.2f | %.2f |" % (name, med, lo, hi, base / med))
    table = "\n".join(lines)
    ours_lines = ["| batch | seq | median ms | min ms | max ms | sentences/s | GMAC/s | "
                  "%% vpdpbusd ceiling | %% vpdpbusd per CPU s | %% %s ceiling | peak RSS MiB |"
                  % ours["kernel_isa"], "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in ours["results"]:
        ours_lines.append("| %d | %d | %.2f | %.2f | %.2f | %.1f | %.0f | %.1f | %.1f | %.1f | %.1f |" % (
            r["batch"], r["seq"], r["median_ms"], r["min_ms"], r["max_ms"], r["sentences_per_s"],
            r["gmacs"], r["pct_int8_ceiling"], r["pct_int8_ceiling_cpu_time"],
            r["pct_kernel_isa_ceiling"], r["peak_rss_mib"]))
    ours_table = "\n".join(ours_lines)
    ratio = "%.2f" % (base / ort) if ort else "n/a"
    # The 1-minute load average before the run: above ~2 on this 2-core machine every runtime
    # waits for a core and the ratios say more about the load than about the runtimes.
    busy = float(a.load.split()[0]) > 2.0
    busy_note = ("a busy machine: the numbers are noisy; re-run on a quiet machine before quoting "
                 "them" if busy else "quiet for this 2-core machine: a 1-minute load below 2 before the run")
    doc = f"""# Performance

Measured by `bench/compare_peers` (one go, peers one after another, never concurrently) on
{cpu_model()}, {a.threads} threads for every runtime, {a.runs} timed runs after warm-up; medians.
The model is BERT-base-shaped (12 layers, hidden 768, 12 heads, intermediate 3072, vocab 30522)
with seeded random weights (tools/bench_model/make_bert_base.py), in Hugging Face layout,
converted by `intformer convert`; inputs are full-length random token ids (no padding).
Load average during the run: {a.load} ({busy_note}).

## Batch 1, sequence 128, {a.threads} threads

{table}

intformer INT8 latency / ONNX Runtime INT8 latency: **{ratio}** (goal <= 0.6).
{nf4_line}{vnni_line}
## intformer across shapes ({a.threads} threads)

{ours_table}

Model file {ours['file_mib']:.1f} MiB; load {ours['load_ms']:.2f} ms (median of 5, checksums
verified; {ours['load_ms_no_checksums']:.2f} ms without); int8 ceilings per core measured in the
same run: vpdpbusd {ours['ceiling_gmacs_per_core']['vpdpbusd']:.0f} GMAC/s, {ours['kernel_isa']}
{ours['ceiling_gmacs_per_core']['kernel_isa']:.0f} GMAC/s. "% ceiling" is the pass's GEMM and
attention MACs per wall second over (ceiling x threads); "per CPU s" divides by the CPU time the
process got instead (robust on a busy machine, where the wall time includes waiting for a core).
Goals: intformer/ORT INT8 <= 0.6, >= 60 % of the vpdpbusd ceiling, load <= 20 ms, peak RSS <=
model file + 16 MiB.

## How the peers run

- intformer: `intformer bench --model bert-base.int8.ifm --seq 32,128,384 --batch 1,8
  --threads {a.threads} --runs {a.runs} --json` (GEMM kernel {ours['gemm_kernel']}).
- ONNX Runtime: onnxruntime-node {versions.get('onnxruntime_node', '?')} (npm, installed with
  ONNXRUNTIME_NODE_INSTALL=skip), CPU execution provider, intra-op threads {a.threads}, inter-op 1,
  sequential, graph optimisation 'all'; timed by bench/peers/ort_bench.mjs around session.run.
- FP32 ONNX: exported with Debian's python3-torch {versions.get('torch', '?')} (opset 14) from the
  hand-written torch BERT in bench/peers/peers.py (HF's BertForSequenceClassification forward).
- INT8 ONNX: bench/peers/peers.py quantize, the rewrite onnxruntime's quantize_dynamic applies with
  its defaults (weight int8 per tensor symmetric, activation DynamicQuantizeLinear uint8, then
  MatMulInteger -> Cast -> Mul by the scales; ORT fuses it into DynamicQuantizeMatMul at load).
  The 72 encoder MatMuls are quantized; pooler and classifier (Gemm) and embeddings stay FP32, as
  with quantize_dynamic's MatMul-only default.
  Checked by saving ORT's optimised graph: the 72 rewritten MatMuls run as 36
  DynamicQuantizeMatMul and 36 DynamicQuantizeLinear + MatMulIntegerToFloat (com.microsoft), and
  the INT8 logits stay within 0.013 of the FP32 ONNX logits on a test input.
- PyTorch dynamic INT8: torch.quantization.quantize_dynamic on every nn.Linear (qint8), engine
  onednn (Debian's build has no fbgemm); torch.set_num_threads({a.threads}).

Reproduce: `cmake --build build && bench/compare_peers build` (THREADS, RUNS, WARMUP env).
intformer revision {git_rev()}.
"""
    with open(a.out, "w") as f:
        f.write(doc)
    print(table)
    print()
    print(ours_table)
    print("\nintformer / ORT INT8 = %s, load average %s" % (ratio, a.load))


if __name__ == "__main__":
    main()
