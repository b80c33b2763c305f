#!/usr/bin/python3
"""Writes a BERT-base-shaped classifier with seeded random weights in Hugging Face layout.

For benchmarks only: nothing is downloaded and nothing is committed; bench/compare_peers calls
this at bench time to fill its build directory. The weights follow BERT's own initialiser
(N(0, 0.02) matrices and embeddings) with trained-looking extras so every scale is realistic:
biases and LayerNorm betas N(0, 0.02), LayerNorm gammas N(1, 0.05). The output is
  <out>/config.json  <out>/model.safetensors (F32)  <out>/vocab.txt  <out>/tokenizer_config.json
with the bert-base-uncased vocabulary copied from the shared fixtures.

  python3 tools/bench_model/make_bert_base.py --out build/bench/bert-base [--seed 1234]
      [--layers 12 --hidden 768 --heads 12 --intermediate 3072]

Needs numpy only (python3-numpy).
"""
import argparse
import json
import os
import shutil
import struct

import numpy as np

VOCAB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared",
                     "fixtures", "models", "bert-base-uncased-vocab", "vocab.txt")


def tensors(rng, layers, hidden, inter, vocab, positions, labels):
    """(name, float32 array) in HF's BertForSequenceClassification naming."""
    def mat(*shape):
        return rng.normal(0.0, 0.02, size=shape).astype(np.float32)

    def ln(prefix):
        return [(prefix + ".weight", rng.normal(1.0, 0.05, size=hidden).astype(np.float32)),
                (prefix + ".bias", mat(hidden))]

    out = [("bert.embeddings.word_embeddings.weight", mat(vocab, hidden)),
           ("bert.embeddings.position_embeddings.weight", mat(positions, hidden)),
           ("bert.embeddings.token_type_embeddings.weight", mat(2, hidden))]
    out += ln("bert.embeddings.LayerNorm")
    for i in range(layers):
        p = "bert.encoder.layer.%d." % i
        for name in ("query", "key", "value"):
            out += [(p + "attention.self.%s.weight" % name, mat(hidden, hidden)),
                    (p + "attention.self.%s.bias" % name, mat(hidden))]
        out += [(p + "attention.output.dense.weight", mat(hidden, hidden)),
                (p + "attention.output.dense.bias", mat(hidden))]
        out += ln(p + "attention.output.LayerNorm")
        out += [(p + "intermediate.dense.weight", mat(inter, hidden)),
                (p + "intermediate.dense.bias", mat(inter)),
                (p + "output.dense.weight", mat(hidden, inter)),
                (p + "output.dense.bias", mat(hidden))]
        out += ln(p + "output.LayerNorm")
    out += [("bert.pooler.dense.weight", mat(hidden, hidden)), ("bert.pooler.dense.bias", mat(hidden)),
            ("classifier.weight", mat(labels, hidden)), ("classifier.bias", mat(labels))]
    return out


def write_safetensors(path, named):
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name, a in named:
        header[name] = {"dtype": "F32", "shape": list(a.shape),
                        "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
    blob = json.dumps(header, separators=(",", ":")).encode()
    blob += b" " * (-len(blob) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        for _, a in named:
            f.write(np.ascontiguousarray(a, dtype="<f4").tobytes())
    os.replace(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--layers", type=int, default=12)
    ap.add_argument("--hidden", type=int, default=768)
    ap.add_argument("--heads", type=int, default=12)
    ap.add_argument("--intermediate", type=int, default=3072)
    ap.add_argument("--vocab-file", default=VOCAB)
    args = ap.parse_args()
    with open(args.vocab_file, encoding="utf-8") as f:
        vocab = sum(1 for _ in f)
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    named = tensors(rng, args.layers, args.hidden, args.intermediate, vocab, 512, 2)
    write_safetensors(os.path.join(args.out, "model.safetensors"), named)
    config = {
        "architectures": ["BertForSequenceClassification"], "model_type": "bert",
        "vocab_size": vocab, "hidden_size": args.hidden, "num_hidden_layers": args.layers,
        "num_attention_heads": args.heads, "intermediate_size": args.intermediate,
        "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": 512, "type_vocab_size": 2, "initializer_range": 0.02,
        "layer_norm_eps": 1e-12, "pad_token_id": 0, "position_embedding_type": "absolute",
        "num_labels": 2, "id2label": {"0": "negative", "1": "positive"},
        "label2id": {"negative": 0, "positive": 1}, "torch_dtype": "float32",
        "intformer_bench": {"generator": "tools/bench_model/make_bert_base.py",
                            "seed": args.seed, "random_weights": True},
    }
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(args.out, "tokenizer_config.json"), "w") as f:
        json.dump({"do_lower_case": True, "tokenizer_class": "BertTokenizer",
                   "model_max_length": 512}, f, indent=2)
    shutil.copyfile(args.vocab_file, os.path.join(args.out, "vocab.txt"))
    print("wrote %s: %d layers, hidden %d, %d heads, intermediate %d, vocab %d, %.0f M params"
          % (args.out, args.layers, args.hidden, args.heads, args.intermediate, vocab,
             sum(a.size for _, a in named) / 1e6))


if __name__ == "__main__":
    main()
