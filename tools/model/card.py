"""Writes the model card (README.md) of the embedded model from the trained weights: every number in it is
computed here, from the model and its training log."""

import os

import torch
from torch.nn import functional as F

import bpe
import corpus

CHAR_TO_BYTE = {char: byte for byte, char in bpe.BYTE_TO_CHAR.items()}


def decode(encoder, ids):
    tokens = {index: token for token, index in encoder.vocab.items()}
    text = "".join(tokens[i] for i in ids if tokens[i] != bpe.END_OF_TEXT)
    return bytes(CHAR_TO_BYTE[c] for c in text).decode("utf-8", errors="replace")


@torch.no_grad()
def complete(model, encoder, prompt, tokens=60, temperature=0.0, top_k=0, seed=0):
    generator = torch.Generator().manual_seed(seed)
    ids = encoder.encode(prompt)
    eos = encoder.vocab[bpe.END_OF_TEXT]
    for _ in range(tokens):
        logits = model(torch.tensor([ids[-256:]]))[0, -1]
        if temperature == 0:
            next_id = int(logits.argmax())
        else:
            logits = logits / temperature
            if top_k:
                logits[logits < torch.topk(logits, top_k).values[-1]] = float("-inf")
            next_id = int(torch.multinomial(F.softmax(logits, -1), 1, generator=generator))
        if next_id == eos:
            break
        ids.append(next_id)
    return decode(encoder, ids)


def attention_patterns(model, ids):
    """Each layer's softmax output for one sequence, recorded with forward hooks on F.softmax's caller."""
    patterns = []
    original = F.softmax

    def recording_softmax(x, dim=None, **kwargs):
        result = original(x, dim=dim, **kwargs)
        patterns.append(result[0])
        return result

    F.softmax = recording_softmax
    try:
        with torch.no_grad():
            model(torch.tensor([ids]))
    finally:
        F.softmax = original
    return patterns  # per layer: (heads, T, T)


def head_scores(model, encoder, stories):
    """For each (layer, head): mean attention to the previous token, and, at a character's name that has
    appeared before, the attention mass on that name's earlier occurrences ("looks back at the name")."""
    names = [name for name, _, _ in corpus.CHARACTERS] + [name for name, _ in corpus.ZH_CHARACTERS]
    name_ids = {encoder.encode(form)[0] for name in names for form in (name, " " + name)}
    layers, heads = len(attention_patterns(model, encoder.encode('a b'))), None
    heads = attention_patterns(model, encoder.encode('a b'))[0].size(0)
    previous = torch.zeros(layers, heads)
    lookback = torch.zeros(layers, heads)
    lookback_count = 0
    previous_count = 0
    for text in stories:
        ids = encoder.encode(text)[:256]
        patterns = attention_patterns(model, ids)
        for layer, pattern in enumerate(patterns):
            diagonal = torch.arange(1, len(ids))
            previous[layer] += pattern[:, diagonal, diagonal - 1].sum(-1)
        previous_count += len(ids) - 1
        for t, token in enumerate(ids):
            earlier = [s for s in range(t) if ids[s] == token]
            if token in name_ids and earlier:
                for layer, pattern in enumerate(patterns):
                    lookback[layer] += pattern[:, t, earlier].sum(-1)
                lookback_count += 1
    return previous / previous_count, lookback / max(1, lookback_count)


def best(scores):
    layer, head = divmod(int(scores.argmax()), scores.size(1))
    return layer, head, float(scores[layer, head])


def write(model, encoder, training, path, name, shape):
    config = model.config
    stories = list(corpus.stories(seed=3, count=60))
    previous, lookback = head_scores(model, encoder, stories)
    prev_layer, prev_head, prev_score = best(previous)
    look_layer, look_head, look_score = best(lookback)
    final = training["history"][-1]
    size = sum(os.path.getsize(os.path.join(root, f)) for root, _, files in os.walk(os.path.dirname(path))
               for f in files)
    samples = []
    for prompt in ["Once upon a time", "从前"]:
        samples.append(("greedy", prompt, complete(model, encoder, prompt)))
        samples.append(("temperature 0.8, top-k 40, seed 1", prompt,
                        complete(model, encoder, prompt, temperature=0.8, top_k=40, seed=1)))
    sample_text = "\n".join(f"- **{how}**, prompt `{prompt}`:\n\n  > {text}\n" for how, prompt, text in samples)
    minutes = training["train_seconds"] / 60
    text = f"""---
license: mit
language: [en, zh]
pipeline_tag: text-generation
library_name: transformers.js
---

# {name}

A tiny GPT-2-architecture language model that [Transformer Flow](../../../README.md) trains itself and ships inside
the app, so the app runs offline with no download. It writes short children's stories in English and in Chinese.
Every number below was computed by `tools/model/export.py` from the trained weights.

| | |
|---|---|
| Architecture | {shape['architecture']} |
| Parameters | {training['parameters']:,} |
| Layers × heads | {shape['layers']} × {shape['heads']} (head size {shape['d_model'] // shape['heads']}; {shape['kv_heads']} key/value heads) |
| d_model / d_mlp | {shape['d_model']} / {shape['d_mlp']} |
| Context | {shape['context']} tokens |
| Vocabulary | {config.vocab_size} (byte-level BPE trained on the corpus; `<|endoftext|>` = {encoder.vocab[bpe.END_OF_TEXT]}) |
| Held-out loss | {final['heldout_loss']:.3f} nats/token (step {final['step']}; training loss {final['train_loss']:.3f}) |
| Training | {training['training_tokens_seen']:,} tokens seen ({training['settings']['steps']} steps × {training['settings']['batch_size']} × {shape['context']}), {minutes:.0f} min on a {training['cpus']}-core {training['machine']} CPU, PyTorch {training['torch']}, {training['threads']} threads, seed {training['settings']['seed']} |
| Files | `onnx/model.onnx` (input_ids → logits, for capture), `onnx/decoder_model_merged.onnx` (KV cache: `past_key_values.{{i}}.key/value` → `present.{{i}}.key/value`), ONNX opset 17; folder size {size / 1e6:.1f} MB |

## Corpus and licence

{training['corpus_tokens']:,} training tokens of stories written by the project's own generator
(`tools/model/corpus.py`): named characters who recur, he/she/they and 他/她/它, places, objects, quoted dialogue and
small cause-and-effect plots, in English or in Chinese. {training['heldout_tokens']:,} held-out tokens come from a
different seed. The corpus, the tokenizer and the weights are the project's own work, under the project's MIT licence.
No outside text was used.

## Sample completions

{sample_text}
## An interpretable attention head

- **Layer {look_layer}, head {look_head}** (counting from 0; L{look_layer + 1} H{look_head + 1} in the app) looks back at a character's name: at a name that
  appeared earlier in the story, it puts {look_score:.0%} of its attention on that name's earlier occurrences (mean
  over 60 held-out stories). Open it in the app's attention view on a prompt such as
  `Lily had a red ball. Lily`.
- **Layer {prev_layer}, head {prev_head}** (L{prev_layer + 1} H{prev_head + 1} in the app) is a previous-token head: {prev_score:.0%} of its attention, on average,
  goes to the token just before.

## Rebuild

`npm run model:train` (about {minutes:.0f} minutes on this 2-core machine) regenerates the corpus, the tokenizer, the
weights, both ONNX graphs and this card, then checks that ONNX matches PyTorch (max abs difference below 1e-4).
"""
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)
