#!/usr/bin/python3
"""The peers of bench/compare_peers: ONNX export, ORT-style dynamic INT8, PyTorch timings.

transformers is not available here (no PyPI), so the BERT below is written out in torch with
nn.Linear layers, mirroring Hugging Face's BertForSequenceClassification in eval mode (post-LN,
exact-erf GELU, additive -10000 key mask, positions 0..T-1), as tools/goldens/fp32_goldens.py does.

  peers.py export   --model DIR --out model.onnx          FP32 ONNX (opset 14, dynamic batch/seq)
  peers.py quantize --in model.onnx --out model.int8.onnx  ORT quantize_dynamic's MatMul rewrite
  peers.py torch    --model DIR --seq 128 --batch 1 --threads 2 [--int8]   JSON timing line

quantize rewrites every MatMul whose second input is a constant exactly as onnxruntime's
quantize_dynamic does with its defaults (weight_type QInt8, per_channel False, reduce_range False):
the weight becomes int8 per tensor, symmetric (scale max|w| / 127, zero point 0), the activation
goes through DynamicQuantizeLinear (uint8, asymmetric, per tensor, computed at run time), then
MatMulInteger -> Cast(float) -> Mul(a_scale * w_scale). ONNX Runtime's graph optimiser fuses that
pattern into com.microsoft DynamicQuantizeMatMul (MatMulIntegerToFloat) at load; we emit the
unfused standard-op form, as quantize_dynamic does. Run torch with
LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp (Debian's python3-torch).
"""
import argparse
import json
import math
import os
import struct
import sys
import time

import numpy as np


def read_safetensors(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        assert info["dtype"] == "F32", name
        out[name] = np.frombuffer(data[b:e], dtype="<f4").reshape(info["shape"])
    return out


def build_torch_bert(model_dir):
    import torch
    from torch import nn

    cfg = json.load(open(os.path.join(model_dir, "config.json")))
    sd = read_safetensors(os.path.join(model_dir, "model.safetensors"))
    H, NH, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"]

    def lin(name, n_out, n_in):
        m = nn.Linear(n_in, n_out)
        m.weight.data = torch.from_numpy(sd[name + ".weight"].copy())
        m.bias.data = torch.from_numpy(sd[name + ".bias"].copy())
        return m

    def ln(name):
        m = nn.LayerNorm(H, eps=eps)
        m.weight.data = torch.from_numpy(sd[name + ".weight"].copy())
        m.bias.data = torch.from_numpy(sd[name + ".bias"].copy())
        return m

    class Layer(nn.Module):
        def __init__(self, p):
            super().__init__()
            I = cfg["intermediate_size"]
            self.q = lin(p + "attention.self.query", H, H)
            self.k = lin(p + "attention.self.key", H, H)
            self.v = lin(p + "attention.self.value", H, H)
            self.o = lin(p + "attention.output.dense", H, H)
            self.ln1 = ln(p + "attention.output.LayerNorm")
            self.f1 = lin(p + "intermediate.dense", I, H)
            self.f2 = lin(p + "output.dense", H, I)
            self.ln2 = ln(p + "output.LayerNorm")

        def forward(self, x, bias):
            B, T, _ = x.shape
            D = H // NH

            def heads(t):
                return t.view(B, T, NH, D).transpose(1, 2)

            q, k, v = heads(self.q(x)), heads(self.k(x)), heads(self.v(x))
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(D) + bias
            ctx = torch.matmul(torch.softmax(scores, dim=-1), v).transpose(1, 2).reshape(B, T, H)
            a = self.ln1(self.o(ctx) + x)
            return self.ln2(self.f2(torch.nn.functional.gelu(self.f1(a))) + a)

    class Bert(nn.Module):
        def __init__(self):
            super().__init__()
            e = "bert.embeddings."
            self.word = nn.Parameter(torch.from_numpy(sd[e + "word_embeddings.weight"].copy()))
            self.pos = nn.Parameter(torch.from_numpy(sd[e + "position_embeddings.weight"].copy()))
            self.typ = nn.Parameter(torch.from_numpy(sd[e + "token_type_embeddings.weight"].copy()))
            self.ln = ln(e + "LayerNorm")
            self.layers = nn.ModuleList(
                [Layer("bert.encoder.layer.%d." % i) for i in range(cfg["num_hidden_layers"])])
            self.pooler = lin("bert.pooler.dense", H, H)
            self.classifier = lin("classifier", cfg["num_labels"], H)

        def forward(self, input_ids, attention_mask):
            T = input_ids.shape[1]
            x = self.word[input_ids] + self.pos[:T].unsqueeze(0) + self.typ[0]
            x = self.ln(x)
            bias = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * -10000.0
            for layer in self.layers:
                x = layer(x, bias)
            return self.classifier(torch.tanh(self.pooler(x[:, 0])))

    return Bert().eval(), cfg


def cmd_export(args):
    import torch
    model, cfg = build_torch_bert(args.model)
    ids = torch.randint(1000, cfg["vocab_size"], (1, 128), dtype=torch.int64)
    mask = torch.ones(1, 128, dtype=torch.int64)
    with torch.no_grad():
        torch.onnx.export(model, (ids, mask), args.out, input_names=["input_ids", "attention_mask"],
                          output_names=["logits"], opset_version=14,
                          dynamic_axes={"input_ids": {0: "batch", 1: "seq"},
                                        "attention_mask": {0: "batch", 1: "seq"},
                                        "logits": {0: "batch"}})
    print("exported %s (torch %s, opset 14)" % (args.out, torch.__version__))


def cmd_quantize(args):
    import onnx
    from onnx import helper, numpy_helper, TensorProto

    m = onnx.load(args.inp)
    g = m.graph
    inits = {t.name: t for t in g.initializer}
    new_nodes, drop, count = [], set(), 0
    for node in g.node:
        w = inits.get(node.input[1]) if node.op_type == "MatMul" and len(node.input) == 2 else None
        if w is None:
            new_nodes.append(node)
            continue
        wf = numpy_helper.to_array(w).astype(np.float32)
        scale = max(float(np.abs(wf).max()), 1e-12) / 127.0
        wq = np.clip(np.rint(wf / scale), -127, 127).astype(np.int8)
        base = node.name or ("matmul_%d" % count)
        count += 1
        wq_name, ws_name, wz_name = base + "_W_q", base + "_W_scale", base + "_W_zp"
        g.initializer.extend([numpy_helper.from_array(wq, wq_name),
                              numpy_helper.from_array(np.array(scale, np.float32), ws_name),
                              numpy_helper.from_array(np.array(0, np.int8), wz_name)])
        drop.add(w.name)
        a = node.input[0]
        aq, as_, az = base + "_a_q", base + "_a_scale", base + "_a_zp"
        mi, mf, sc = base + "_int32", base + "_float", base + "_scale"
        new_nodes += [
            helper.make_node("DynamicQuantizeLinear", [a], [aq, as_, az], base + "_quant"),
            helper.make_node("MatMulInteger", [aq, wq_name, az, wz_name], [mi], base + "_mmi"),
            helper.make_node("Cast", [mi], [mf], base + "_cast", to=TensorProto.FLOAT),
            helper.make_node("Mul", [as_, ws_name], [sc], base + "_scales"),
            helper.make_node("Mul", [mf, sc], [node.output[0]], base + "_rescale"),
        ]
    del g.node[:]
    g.node.extend(new_nodes)
    keep = [t for t in g.initializer if t.name not in drop]
    del g.initializer[:]
    g.initializer.extend(keep)
    onnx.checker.check_model(m)
    onnx.save(m, args.out)
    print("quantized %d MatMuls -> %s (onnx %s)" % (count, args.out, onnx.__version__))


def cmd_torch(args):
    import torch
    torch.set_num_threads(args.threads)
    model, cfg = build_torch_bert(args.model)
    label = "torch_fp32"
    if args.int8:
        torch.backends.quantized.engine = "onednn" if "onednn" in \
            torch.backends.quantized.supported_engines else "qnnpack"
        model = torch.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        label = "torch_dynamic_int8_" + torch.backends.quantized.engine
    g = torch.Generator().manual_seed(args.batch * 1000 + args.seq)
    ids = torch.randint(1000, cfg["vocab_size"], (args.batch, args.seq), generator=g)
    mask = torch.ones(args.batch, args.seq, dtype=torch.int64)
    times = []
    with torch.inference_mode():
        for i in range(args.warmup + args.runs):
            t0 = time.perf_counter()
            model(ids, mask)
            if i >= args.warmup:
                times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    print(json.dumps({"peer": label, "torch": torch.__version__, "threads": args.threads,
                      "batch": args.batch, "seq": args.seq, "runs": args.runs,
                      "median_ms": float(np.median(times)), "min_ms": times[0],
                      "max_ms": times[-1]}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("export")
    e.add_argument("--model", required=True)
    e.add_argument("--out", required=True)
    q = sub.add_parser("quantize")
    q.add_argument("--in", dest="inp", required=True)
    q.add_argument("--out", required=True)
    t = sub.add_parser("torch")
    t.add_argument("--model", required=True)
    t.add_argument("--seq", type=int, default=128)
    t.add_argument("--batch", type=int, default=1)
    t.add_argument("--threads", type=int, default=2)
    t.add_argument("--warmup", type=int, default=3)
    t.add_argument("--runs", type=int, default=20)
    t.add_argument("--int8", action="store_true")
    args = ap.parse_args()
    {"export": cmd_export, "quantize": cmd_quantize, "torch": cmd_torch}[args.cmd](args)


if __name__ == "__main__":
    main()
