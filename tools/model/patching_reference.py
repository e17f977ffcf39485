"""Activation patching as transformers computes it, for test/model/patching.test.ts:
test/fixtures/patching.reference.json.

    .venv/bin/python tools/model/patching_reference.py

For each open-model fixture (open_fixtures.build: the classes, configs and seeded weights of
test/fixtures/hub/<name>/onnx/model.onnx): a clean and a corrupted sequence of the same length that differ at two
positions. For each embedded model (transformers' class with the weights of its shipped graph, embedded_hf.load):
the patching tab's example pair in both languages, tokenized by the model's tokenizer.json. The two answers are
the token each run rates highest at its last position (the corrupted run's next one where both agree), as the tab
proposes them. The metric is the logit
difference between the answers at the last position, normalised so the corrupted run is 0 and the clean run 1. One
forward pass of the corrupted sequence per cell, with one activation taken from the clean run by a hook on
transformers' own modules (docs/patching.md):
- the residual stream entering layer L at position p (a forward pre-hook on decoder layer L: its hidden-states input);
- the output z of head h of layer L at every position (a pre-hook on the attention's output projection: its input's
  slice for that head);
- the attention output of layer L at every position (a hook on the attention module: its output);
- the MLP output of layer L at every position (a hook on the MLP: its output).
"""

import os

import numpy as np
import torch

import embedded_hf
from open_fixtures import FIXTURES, ROOT, attention_shape, build, write_reference

OUT = os.path.join(ROOT, "test", "fixtures", "patching.reference.json")
NAMES = ["gpt2-tiny", "llama3-tiny", "qwen2-tiny", "qwen3-tiny", "qwen2-deep-tiny"]
EMBEDDED = ["flow-gpt2-tiny", "flow-llama-tiny"]
# The patching tab's example pairs (src/i18n/examples.ts, PATCH_EXAMPLES; the test checks they are the same).
EXAMPLES = {"en": ("Lily was happy because", "Tom was happy because"), "zh-CN": ("小红很难过，因为", "小明很难过，因为")}
LENGTH = 7
CHANGED = (2, 4)


def blocks(model):
    return model.transformer.h if hasattr(model, "transformer") else model.model.layers


def parts(block):
    """The attention module, its output projection (whose input is z) and the MLP."""
    if hasattr(block, "attn"):
        return block.attn, block.attn.c_proj, block.mlp
    return block.self_attn, block.self_attn.o_proj, block.mlp


def forward(model, model_class, ids):
    with torch.no_grad():
        return model_class.forward(model, input_ids=torch.tensor([ids]), use_cache=False).logits[0, -1]


def record(model, model_class, ids):
    """The clean run's activations: each layer's residual input, z, attention output and MLP output."""
    captured = {"resid": {}, "z": {}, "attn": {}, "mlp": {}}
    handles = []
    for layer, block in enumerate(blocks(model)):
        attention, projection, mlp = parts(block)

        def pre_block(module, args, kwargs, layer=layer):
            hidden = args[0] if args else kwargs["hidden_states"]
            captured["resid"][layer] = hidden.detach().clone()
        handles.append(block.register_forward_pre_hook(pre_block, with_kwargs=True))
        handles.append(projection.register_forward_pre_hook(lambda module, args, layer=layer: captured["z"].__setitem__(layer, args[0].detach().clone())))
        handles.append(attention.register_forward_hook(lambda module, args, output, layer=layer: captured["attn"].__setitem__(layer, (output[0] if isinstance(output, tuple) else output).detach().clone())))
        handles.append(mlp.register_forward_hook(lambda module, args, output, layer=layer: captured["mlp"].__setitem__(layer, output.detach().clone())))
    try:
        logits = forward(model, model_class, ids)
    finally:
        for handle in handles:
            handle.remove()
    return captured, logits


def patched(model, model_class, ids, site, layer, clean, position=None, head=None, head_dim=None):
    """The corrupted run's last logits with one activation replaced by the clean run's."""
    block = blocks(model)[layer]
    attention, projection, mlp = parts(block)
    if site == "resid":
        def hook(module, args, kwargs):
            hidden = (args[0] if args else kwargs["hidden_states"]).clone()
            hidden[:, position] = clean["resid"][layer][:, position]
            if args:
                return (hidden,) + tuple(args[1:]), kwargs
            return args, {**kwargs, "hidden_states": hidden}
        handle = block.register_forward_pre_hook(hook, with_kwargs=True)
    elif site == "head":
        def hook(module, args):
            z = args[0].clone()
            z[..., head * head_dim:(head + 1) * head_dim] = clean["z"][layer][..., head * head_dim:(head + 1) * head_dim]
            return (z,) + tuple(args[1:])
        handle = projection.register_forward_pre_hook(hook)
    elif site == "attn":
        def hook(module, args, output):
            if isinstance(output, tuple):
                return (clean["attn"][layer],) + tuple(output[1:])
            return clean["attn"][layer]
        handle = attention.register_forward_hook(hook)
    else:
        handle = mlp.register_forward_hook(lambda module, args, output: clean["mlp"][layer])
    try:
        return forward(model, model_class, ids)
    finally:
        handle.remove()


def sweep(model, model_class, clean_ids, corrupted_ids):
    """Every cell of the four grids, as raw logit differences, with the answers the tab proposes."""
    layers, _, head_dim = attention_shape(model)
    heads = model.config.num_attention_heads if hasattr(model.config, "num_attention_heads") else model.config.n_head
    n = len(clean_ids)
    clean, clean_logits = record(model, model_class, clean_ids)
    corrupted_logits = forward(model, model_class, corrupted_ids)
    answer_clean = int(clean_logits.argmax())
    answer_corrupted = int(corrupted_logits.argmax())
    if answer_clean == answer_corrupted:
        answer_corrupted = int(corrupted_logits.argsort(descending=True)[1])
    diff = lambda logits: float(logits[answer_clean] - logits[answer_corrupted])
    grids = {"resid": [], "head": [], "attn": [], "mlp": []}
    for layer in range(layers):
        for position in range(n):
            grids["resid"].append(diff(patched(model, model_class, corrupted_ids, "resid", layer, clean, position=position)))
        for head in range(heads):
            grids["head"].append(diff(patched(model, model_class, corrupted_ids, "head", layer, clean, head=head, head_dim=head_dim)))
        grids["attn"].append(diff(patched(model, model_class, corrupted_ids, "attn", layer, clean)))
        grids["mlp"].append(diff(patched(model, model_class, corrupted_ids, "mlp", layer, clean)))
    return {"clean": clean_ids, "corrupted": corrupted_ids, "answers": [answer_clean, answer_corrupted],
            "cleanDiff": diff(clean_logits), "corruptedDiff": diff(corrupted_logits), "diffs": grids}


def main():
    cases = []
    for name in NAMES:
        model = build(name)
        model_class = FIXTURES[name][1]
        rng = np.random.default_rng(sum(map(ord, name)) + 1)
        special = {model.config.bos_token_id} | set(np.atleast_1d(model.config.eos_token_id).tolist())
        pool = [int(i) for i in rng.choice(model.config.vocab_size, 64, replace=False) if int(i) not in special]
        clean_ids = pool[:LENGTH]
        corrupted_ids = list(clean_ids)
        for k, position in enumerate(CHANGED):
            corrupted_ids[position] = pool[LENGTH + k]
        case = sweep(model, model_class, clean_ids, corrupted_ids)
        layers = attention_shape(model)[0]
        print(f"{name}: clean {case['cleanDiff']:.3f}, corrupted {case['corruptedDiff']:.3f}; residual patch at the last layer's changed position → {case['diffs']['resid'][(layers - 1) * LENGTH + CHANGED[-1]]:.3f}")
        cases.append({"model": name, **case})
    for name in EMBEDDED:
        model, model_class, tokenizer = embedded_hf.load(name)
        for locale, (clean_text, corrupted_text) in EXAMPLES.items():
            clean_ids, corrupted_ids = (tokenizer.encode(text).ids for text in (clean_text, corrupted_text))
            assert len(clean_ids) == len(corrupted_ids), f"{name} {locale}: the example pair is not aligned"
            case = sweep(model, model_class, clean_ids, corrupted_ids)
            decode = lambda i: tokenizer.decode([i])
            print(f"{name} {locale}: answers {decode(case['answers'][0])!r} / {decode(case['answers'][1])!r}, "
                  f"clean {case['cleanDiff']:.3f}, corrupted {case['corruptedDiff']:.3f}")
            cases.append({"model": name, "locale": locale, "prompts": [clean_text, corrupted_text], **case})
    write_reference(OUT, "tools/model/patching_reference.py", "raw logit differences; resid by layer * positions + position, head by layer * heads + head", cases)


if __name__ == "__main__":
    main()
