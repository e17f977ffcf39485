"""What transformers computes when an attention head or a layer's MLP is switched off, for the app's intervention
test (test/model/intervention.test.ts): test/fixtures/intervention.reference.json.

    .venv/bin/python tools/model/intervention_reference.py

The models are the open-model fixtures' (open_fixtures.build: the same classes, config and seeded weights as
test/fixtures/hub/<name>/onnx/model.onnx). A head is switched off as interpretability work does it ("zero
ablation"): its slice of the attention output z, the input of the output projection (GPT-2's attn.c_proj, Llama's
self_attn.o_proj), is set to zero; an MLP by replacing its output with zeros. A head can instead be replaced by
its mean ("mean ablation"): its z slice at every position is set to the mean of that slice over the unchanged
model's positions (computed here, and written into the case as `switchedOff.means`, which the app feeds). For each
case: the logits of the last position at the 64 ids the unchanged model rates highest, and the last layer's
residual stream there.
"""

import base64
import json
import os

import numpy as np
import torch

from open_fixtures import ROOT, attention_shape, build

OUT = os.path.join(ROOT, "test", "fixtures", "intervention.reference.json")
# (fixture, what is switched off, heads of those replaced by their mean): heads as "layer.head", MLPs by layer.
CASES = [
    ("gpt2-tiny", {"heads": ["0.1"], "mlps": []}, []),
    ("gpt2-tiny", {"heads": [], "mlps": [1]}, []),
    ("gpt2-tiny", {"heads": ["1.0", "1.1"], "mlps": [0]}, []),
    ("llama3-tiny", {"heads": ["1.2"], "mlps": []}, []),
    ("llama3-tiny", {"heads": ["0.0", "0.1", "0.2", "0.3"], "mlps": []}, []),
    ("gpt2-tiny", {"heads": ["0.1"], "mlps": []}, ["0.1"]),
    ("gpt2-tiny", {"heads": ["0.0", "1.1"], "mlps": []}, ["0.0"]),
    ("llama3-tiny", {"heads": ["0.2"], "mlps": []}, ["0.2"]),
]


def b64(array):
    return base64.b64encode(np.ascontiguousarray(array, dtype="<f4").tobytes()).decode("ascii")


def blocks(model):
    return model.transformer.h if hasattr(model, "transformer") else model.model.layers


def parts(block):
    """The output projection whose input is z, and the MLP."""
    if hasattr(block, "attn"):
        return block.attn.c_proj, block.mlp
    return block.self_attn.o_proj, block.mlp


def head_dim_of(model):
    # attention_shape's head size; the query heads' z has the same (key/value heads only differ in number).
    return attention_shape(model)[2]


def run(model, ids, switched_off):
    head_dim = head_dim_of(model)
    handles = []
    off_heads = {}
    means = switched_off.get("means", {})
    for key in switched_off["heads"]:
        layer, head = map(int, key.split("."))
        off_heads.setdefault(layer, []).append((head, means.get(key)))
    for layer, block in enumerate(blocks(model)):
        projection, mlp = parts(block)
        if layer in off_heads:
            def replace_heads(module, args, heads=off_heads[layer]):
                z = args[0].clone()
                for head, mean in heads:
                    z[..., head * head_dim:(head + 1) * head_dim] = 0 if mean is None else torch.tensor(mean, dtype=z.dtype)
                return (z,) + args[1:]
            handles.append(projection.register_forward_pre_hook(replace_heads))
        if layer in switched_off["mlps"]:
            handles.append(mlp.register_forward_hook(lambda module, args, output: torch.zeros_like(output)))
    try:
        with torch.no_grad():
            # The class's own forward (build wraps it for the exporter), as the fixtures' reference calls it.
            out = type(model).__mro__[1].forward(model, input_ids=torch.tensor([ids]), use_cache=False)
    finally:
        for handle in handles:
            handle.remove()
    return out.logits[0, -1].numpy()


def head_mean(model, ids, key):
    """The mean over the prompt's positions of one head's z (its slice of the output projection's input), in the
    unchanged model."""
    layer, head = map(int, key.split("."))
    head_dim = head_dim_of(model)
    captured = {}
    projection, _ = parts(blocks(model)[layer])
    handle = projection.register_forward_pre_hook(lambda module, args: captured.setdefault("z", args[0].detach().clone()))
    try:
        run(model, ids, {"heads": [], "mlps": []})
    finally:
        handle.remove()
    return captured["z"][0, :, head * head_dim:(head + 1) * head_dim].mean(dim=0).tolist()


def last_residual(model, ids, switched_off):
    captured = {}
    handle = blocks(model)[-1].register_forward_hook(lambda module, args, output: captured.setdefault("x", output[0] if isinstance(output, tuple) else output))
    try:
        run(model, ids, switched_off)
    finally:
        handle.remove()
    return captured["x"][0, -1].numpy()


def main():
    cases = []
    models = {}
    for name, switched_off, mean_heads in CASES:
        model = models.setdefault(name, build(name))
        # The prompt as the fixture's reference tokenized it (its first prompt).
        with open(os.path.join(ROOT, "test", "fixtures", "hub", name, "reference.json"), encoding="utf-8") as file:
            ids = json.load(file)["prompts"][0]["input_ids"]
        if mean_heads:
            switched_off = {**switched_off, "means": {key: head_mean(model, ids, key) for key in mean_heads}}
        plain = run(model, ids, {"heads": [], "mlps": []})
        top = np.argsort(-plain)[:64]
        logits = run(model, ids, switched_off)
        print(f"{name} {switched_off}: ids {ids}, largest |Δlogit| at the top 64 = {np.abs(logits[top] - plain[top]).max():.3f}")
        cases.append({
            "model": name, "switchedOff": switched_off, "input_ids": ids, "logitIds": top.tolist(),
            "logits": b64(logits[top]), "plainLogits": b64(plain[top]),
            "residPost": b64(last_residual(model, ids, switched_off)),
        })
    import transformers
    with open(OUT, "w", encoding="utf-8") as file:
        json.dump({"source": f"tools/model/intervention_reference.py: transformers {transformers.__version__}, torch {torch.__version__}, eager attention, float32",
                   "encoding": "little-endian float32, base64", "cases": cases}, file, ensure_ascii=False)
        file.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
