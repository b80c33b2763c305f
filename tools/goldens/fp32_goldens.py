#!/usr/bin/python3
"""FP32 goldens for the fixture classifiers, computed with PyTorch (Debian python3-torch).

transformers cannot be installed here (no PyPI), so the forward below is written out in torch to
mirror Hugging Face's BertForSequenceClassification / RobertaForSequenceClassification in eval mode:
post-LN layers, exact-erf GELU, additive -10000 key mask, BERT positions 0..T-1, RoBERTa positions
cumsum(mask) * mask + padding_idx. Weights are read from the fixture's safetensors with a tiny
reader (json + struct + torch.frombuffer), so nothing here depends on our C++ readers.

  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 \
      tools/goldens/fp32_goldens.py <model dir> <ids.json from encode_sst2.mjs> <out.json>

Prints the FP32 accuracy on every SST-2 dev row (the check that this forward is the one the fixture
was trained with) and writes the ids and logits of the first 64 rows, from the F32 weights and from
the F16 weights upcast to float (when model.fp16.safetensors exists).
"""
import json
import math
import os
import struct
import sys

import torch

GOLDEN_ROWS = 64
BATCH = 32

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    data = blob[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[b:e]), dtype=DTYPES[info["dtype"]])
        out[name] = t.reshape(info["shape"]).to(torch.float32)
    return out


class Encoder:
    """The HF encoder and head, as plain functions over a state dict."""

    def __init__(self, cfg, sd):
        self.cfg = cfg
        self.kind = cfg["model_type"]
        prefix = self.kind + "."
        self.w = {k[len(prefix):] if k.startswith(prefix) else k: v for k, v in sd.items()}
        self.eps = cfg["layer_norm_eps"]
        self.heads = cfg["num_attention_heads"]
        self.pad = cfg.get("pad_token_id", 0)

    def lin(self, x, name):
        return torch.nn.functional.linear(x, self.w[name + ".weight"], self.w[name + ".bias"])

    def ln(self, x, name):
        return torch.nn.functional.layer_norm(x, x.shape[-1:], self.w[name + ".weight"],
                                              self.w[name + ".bias"], self.eps)

    def forward(self, ids, mask):
        B, T = ids.shape
        if self.kind == "roberta":
            pos = torch.cumsum(mask, dim=1) * mask + self.pad
        else:
            pos = torch.arange(T).unsqueeze(0).expand(B, T)
        tt = torch.zeros_like(ids)
        w = self.w
        h = (w["embeddings.word_embeddings.weight"][ids] +
             w["embeddings.token_type_embeddings.weight"][tt] +
             w["embeddings.position_embeddings.weight"][pos])
        h = self.ln(h, "embeddings.LayerNorm")
        ext = (1.0 - mask[:, None, None, :].to(torch.float32)) * -10000.0
        H = h.shape[-1]
        d = H // self.heads
        for i in range(self.cfg["num_hidden_layers"]):
            p = "encoder.layer.%d." % i

            def split(x):
                return x.view(B, T, self.heads, d).permute(0, 2, 1, 3)

            q = split(self.lin(h, p + "attention.self.query"))
            k = split(self.lin(h, p + "attention.self.key"))
            v = split(self.lin(h, p + "attention.self.value"))
            s = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d) + ext
            prob = torch.softmax(s, dim=-1)
            ctx = torch.matmul(prob, v).permute(0, 2, 1, 3).reshape(B, T, H)
            a = self.ln(self.lin(ctx, p + "attention.output.dense") + h,
                        p + "attention.output.LayerNorm")
            f = torch.nn.functional.gelu(self.lin(a, p + "intermediate.dense"))
            h = self.ln(self.lin(f, p + "output.dense") + a, p + "output.LayerNorm")
        cls = h[:, 0]
        if self.kind == "roberta":
            x = torch.tanh(self.lin(cls, "classifier.dense"))
            return self.lin(x, "classifier.out_proj")
        pooled = torch.tanh(self.lin(cls, "pooler.dense"))
        return self.lin(pooled, "classifier")


def run(enc, ids_list):
    """Logits for every row, in padded batches (right padding with the pad id, mask 0)."""
    out = []
    with torch.no_grad():
        for s in range(0, len(ids_list), BATCH):
            rows = ids_list[s:s + BATCH]
            T = max(len(r) for r in rows)
            ids = torch.full((len(rows), T), enc.pad, dtype=torch.long)
            mask = torch.zeros((len(rows), T), dtype=torch.long)
            for i, r in enumerate(rows):
                ids[i, :len(r)] = torch.tensor(r)
                mask[i, :len(r)] = 1
            out.append(enc.forward(ids, mask))
    return torch.cat(out)


def main():
    model_dir, ids_path, out_path = sys.argv[1:4]
    torch.set_num_threads(2)
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    with open(ids_path) as f:
        tok = json.load(f)
    ids, labels = tok["ids"], tok["labels"]

    enc = Encoder(cfg, read_safetensors(os.path.join(model_dir, "model.safetensors")))
    logits = run(enc, ids)
    acc = (logits.argmax(-1) == torch.tensor(labels)).float().mean().item()
    print("%s: torch %s FP32 accuracy on %d SST-2 dev rows: %.2f %%"
          % (os.path.basename(model_dir.rstrip("/")), torch.__version__, len(ids), 100 * acc))

    golden = {
        "generator": "tools/goldens/fp32_goldens.py",
        "torch_version": torch.__version__,
        "tokenizer": tok["generator"],
        "model": os.path.basename(model_dir.rstrip("/")),
        "num_rows": GOLDEN_ROWS,
        "batch": BATCH,
        "fp32_accuracy_all_dev_rows": acc,
        "input_ids": ids[:GOLDEN_ROWS],
        "labels": labels[:GOLDEN_ROWS],
        "logits": logits[:GOLDEN_ROWS].tolist(),
    }
    # The .bin must hold the same tensors; checked here so a stale fixture is caught early.
    bin_path = os.path.join(model_dir, "pytorch_model.bin")
    if os.path.exists(bin_path):
        sd = torch.load(bin_path, map_location="cpu")
        enc_bin = Encoder(cfg, {k: v.float() for k, v in sd.items()})
        d = (run(enc_bin, ids[:GOLDEN_ROWS]) - logits[:GOLDEN_ROWS]).abs().max().item()
        print("  pytorch_model.bin vs model.safetensors: max |dlogit| %.3g" % d)
    fp16_path = os.path.join(model_dir, "model.fp16.safetensors")
    if os.path.exists(fp16_path):
        enc16 = Encoder(cfg, read_safetensors(fp16_path))
        l16 = run(enc16, ids[:GOLDEN_ROWS])
        golden["logits_fp16_weights"] = l16.tolist()
        print("  fp16 weights (upcast) vs fp32: max |dlogit| %.3g"
              % (l16 - logits[:GOLDEN_ROWS]).abs().max().item())
    with open(out_path, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
