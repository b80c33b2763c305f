"""Which model files score which task: --model specs and --model-dir discovery.

A checkpoint is a set of variants for one task: fp32 (a Hugging Face directory with config.json,
run by classify as the FP32 reference), int8 and nf4 (files written by `intformer convert`).
Converted files are found inside a checkpoint directory by name: CONVERTED_EXTS and the variant
name as a '.', '-' or '_' separated token (model.int8.ifm, sst2-nf4.ifm, int8.ifm). Change the
extension list here when the converter's file extension is fixed.
"""

import json
import os
import re

import tasks

VARIANTS = ("fp32", "int8", "nf4")
CONVERTED_EXTS = (".ifm",)

# Model keys ("mnli" scores mnli-m and mnli-mm) and spellings users and HF configs use.
_MODEL_KEYS = sorted({t["model"] for t in tasks.TASKS.values()})


class SpecError(Exception):
    pass


def _norm(s):
    return re.sub(r"[^a-z0-9]", "", s.lower())


def model_key(name):
    """'SST-2', 'sst2', 'sts-b', 'MNLI', 'mnli-mm' -> model key, or None."""
    n = _norm(name)
    if n in ("mnlim", "mnlimm", "mnlimatched", "mnlimismatched"):
        return "mnli"
    return n if n in _MODEL_KEYS else None


def task_names(key):
    return [t for t in tasks.TASK_ORDER if tasks.TASKS[t]["model"] == key]


def resolve_task(name):
    """A --task entry -> task names (mnli -> both MNLI dev sets)."""
    n = _norm(name)
    for t in tasks.TASKS:
        if _norm(t) == n:
            return [t]
    if n == "mnlimatched":
        return ["mnli-m"]
    if n == "mnlimismatched":
        return ["mnli-mm"]
    key = model_key(name)
    if key:
        return task_names(key)
    raise SpecError("unknown task %r (known: %s)" % (name, ", ".join(tasks.TASK_ORDER)))


def read_config(hf_dir):
    path = os.path.join(hf_dir, "config.json")
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def find_converted(directory):
    """{variant: path} for converted files inside a checkpoint directory."""
    found = {}
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return found
    for v in VARIANTS[1:]:
        hits = [n for n in names if n.lower().endswith(CONVERTED_EXTS) and
                v in re.split(r"[._\-]", n.lower())]
        if hits:
            found[v] = os.path.join(directory, hits[0])
    return found


def checkpoint_from_dir(directory):
    ck = {}
    if os.path.isfile(os.path.join(directory, "config.json")):
        ck["fp32"] = directory
    ck.update(find_converted(directory))
    return ck


def _key_of_dir(directory, fallback_name):
    cfg = read_config(directory) or {}
    ft = cfg.get("finetuning_task")
    if isinstance(ft, str) and model_key(ft):
        return model_key(ft)
    # Folder names such as "SST-2", "sst2", "sst2-bert-tiny", "mnli_roberta".
    base = fallback_name.lower()
    for key in sorted(_MODEL_KEYS, key=len, reverse=True):
        for spelling in {key, tasks.TASKS[task_names(key)[0]]["dir"].lower()}:
            if base == spelling or re.match(re.escape(spelling) + r"[._\-]", base):
                return key
    return None


def parse_spec(spec, only_key=None):
    """'sst2=hf_dir,int8=a.ifm,nf4=b.ifm' (task optional when only_key is set) ->
    (key, {variant: path})."""
    head, sep, rest = spec.partition("=")
    key = model_key(head) if sep else None
    body = rest if key else spec
    ck = {}
    for item in filter(None, body.split(",")):
        var, sep2, path = item.partition("=")
        if sep2 and var.lower() in VARIANTS:
            var = var.lower()
        elif sep2 and not os.path.exists(item):
            raise SpecError("--model %s: unknown variant %r (use %s)" % (spec, var,
                                                                        "/".join(VARIANTS)))
        else:
            var, path = "fp32", item
        if var in ck:
            raise SpecError("--model %s: %s given twice" % (spec, var))
        ck[var] = path
    if not ck:
        raise SpecError("--model %s: no model path" % spec)
    if key is None:
        key = only_key
        if key is None and "fp32" in ck:
            key = _key_of_dir(ck["fp32"], os.path.basename(os.path.normpath(ck["fp32"])))
        if key is None:
            raise SpecError("--model %s: say which task it is for (e.g. sst2=%s) or select one "
                            "task with --task" % (spec, body))
    # Converted files sitting in the FP32 directory count unless given explicitly.
    if "fp32" in ck and os.path.isdir(ck["fp32"]):
        for v, p in find_converted(ck["fp32"]).items():
            ck.setdefault(v, p)
    return key, ck


def discover(model_dir, only_key=None):
    """--model-dir: one checkpoint (has config.json or converted files) or a folder of them.
    Returns {key: {variant: path}}; a key claimed by two folders is an error."""
    if not os.path.isdir(model_dir):
        raise SpecError("--model-dir %s: not a directory" % model_dir)
    single = checkpoint_from_dir(model_dir)
    if single:
        key = only_key or _key_of_dir(model_dir, os.path.basename(os.path.normpath(model_dir)))
        if key is None:
            raise SpecError("--model-dir %s is one checkpoint whose task is unknown: pass --task "
                            "or set finetuning_task in its config.json" % model_dir)
        return {key: single}
    found, seen = {}, {}
    for name in sorted(os.listdir(model_dir)):
        sub = os.path.join(model_dir, name)
        ck = checkpoint_from_dir(sub) if os.path.isdir(sub) else {}
        key = _key_of_dir(sub, name) if ck else None
        if key is None:
            continue
        if key in found:
            raise SpecError("--model-dir %s: both %s and %s are %s checkpoints; choose one with "
                            "--model %s=DIR" % (model_dir, seen[key], name, key, key))
        found[key], seen[key] = ck, name
    return found


def config_summary(ck):
    """(id2label, num_labels, model_type) from the FP32 directory's config.json, if any."""
    cfg = read_config(ck["fp32"]) if "fp32" in ck and os.path.isdir(ck["fp32"]) else None
    if not cfg:
        return None, None, None
    id2label = cfg.get("id2label") if isinstance(cfg.get("id2label"), dict) else None
    n = cfg.get("num_labels", len(id2label) if id2label else None)
    return id2label, n, cfg.get("model_type")
