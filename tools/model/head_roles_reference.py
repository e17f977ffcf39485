"""What transformers' own attention says of each head on the head-role test, for test/model/head-roles.test.ts:
test/fixtures/head-roles.reference.json.

    .venv/bin/python tools/model/head_roles_reference.py

The test (docs/head-roles.md): `HALF` distinct random tokens, then the same tokens again, fed in one pass. Each head
is scored by the mean share of its attention on the token a role predicts: the one just before (previous-token,
every position but the first), the same token's first occurrence (duplicate-token, every position of the repeat)
and the token after that first occurrence (induction, every position of the repeat). The attention weights are
transformers' eager attention's (output_attentions), on the open-model fixtures (open_fixtures.build: the classes,
configs and seeded weights of test/fixtures/hub/<name>/onnx/model.onnx).
"""

import os

import numpy as np
import torch

from open_fixtures import FIXTURES, ROOT, build, write_reference

OUT = os.path.join(ROOT, "test", "fixtures", "head-roles.reference.json")
HALF = 12
NAMES = ["gpt2-tiny", "llama3-tiny", "qwen2-tiny", "qwen3-tiny"]


def scores(attentions, half):
    """attentions: per layer [heads, 2·half, 2·half] → previous, duplicate, induction, each [layers, heads]."""
    n = 2 * half
    previous, duplicate, induction = [], [], []
    for pattern in attentions:
        rows = np.arange(1, n)
        previous.append(pattern[:, rows, rows - 1].mean(-1))
        repeat = np.arange(half, n)
        duplicate.append(pattern[:, repeat, repeat - half].mean(-1))
        induction.append(pattern[:, repeat, repeat - half + 1].mean(-1))
    return [np.stack(values).astype(np.float32) for values in (previous, duplicate, induction)]


def main():
    cases = []
    for name in NAMES:
        model = build(name)
        model_class = FIXTURES[name][1]
        vocab = model.config.vocab_size
        special = {model.config.bos_token_id} | set(np.atleast_1d(model.config.eos_token_id).tolist())
        rng = np.random.default_rng(sum(map(ord, name)))
        half_ids = []
        while len(half_ids) < HALF:
            candidate = int(rng.integers(0, vocab))
            if candidate not in special and candidate not in half_ids:
                half_ids.append(candidate)
        ids = half_ids + half_ids
        with torch.no_grad():
            out = model_class.forward(model, input_ids=torch.tensor([ids]), use_cache=False, output_attentions=True)
        attentions = [layer[0].numpy() for layer in out.attentions]
        previous, duplicate, induction = scores(attentions, HALF)
        print(f"{name}: previous {previous.max():.3f}, duplicate {duplicate.max():.3f}, induction {induction.max():.3f} (the largest of each)")
        cases.append({"model": name, "ids": ids, "half": HALF, "previous": previous.ravel().tolist(),
                      "duplicate": duplicate.ravel().tolist(), "induction": induction.ravel().tolist()})
    write_reference(OUT, "tools/model/head_roles_reference.py", "scores by layer * heads + head", cases)


if __name__ == "__main__":
    main()
