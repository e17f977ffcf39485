"""Trains induction heads into a shipped embedded model: more training from its own weights, until a head looks up
what followed an earlier occurrence of the current token and the model copies it.

    .venv/bin/python tools/model/induction.py [--llama]      (TRAIN_DEVICE=cuda|cpu; COPY_STEPS, TEXT_STEPS)

Why: neither embedded model has an induction head on the app's head-role test (a random sequence fed twice;
docs/head-roles.md): their corpus seldom repeats a passage within 256 tokens, so nothing rewarded copying. Two
stages (STAGES): "copy", a few corpus tokens drawn at random and then the same again, only the repeat in the loss,
only attention learning; then "text", the corpus with passages repeated in some windows, all weights, a low
learning rate, so the ordinary text recovers. The held-out loss is measured on the held-out texts as they are, so a
card can say what the extra training cost.

Status (docs/head-roles.md, "Training one in"): on this project's 2-core CPU machines no head formed within the
steps tried (up to 600 of the copy stage; the loss on the repeat stayed at the tokens' frequencies, a plateau such
heads are known to stay on for a long time before they form), and the copy stage wrecks the ordinary text until the
second stage repairs it. Meant for a machine with a GPU and thousands of steps. The starting weights are read from
the shipped ONNX file (its tensor names are the model's own). Writes build-induction[-llama]/: model-copy.pt,
model-text.pt, model-best.pt (the lowest held-out loss among the "text" checkpoints with an induction head) and
induction.json (every measurement).
"""

import json
import os
import sys
import time

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch.nn import functional as F

import card
import corpus
from model import GPT2LMHeadModel, GPTConfig
from model_llama import LlamaConfig, LlamaForCausalLM

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LLAMA = "--llama" in sys.argv
NAME = "flow-llama-tiny" if LLAMA else "flow-gpt2-tiny"
FOLDER = os.path.join(ROOT, "public", "models", NAME)
BUILD = os.environ.get("MODEL_BUILD", os.path.join(HERE, "build-induction-llama" if LLAMA else "build-induction"))
# Two stages. "copy": a stretch of text, then a few corpus tokens drawn at random said twice (copy_batch), only
# attention learning (the skill alone, the rest of the model held still); it stops early once a head scores `goal`.
# "text": the corpus again, all weights, a low learning rate, with passages repeated in some windows and a few
# windows of random tokens repeated, so the model's ordinary text recovers and the skill stays.
STAGES = {
    "copy": dict(steps=int(os.environ.get("COPY_STEPS", 4000)), batch_size=32, context=None, learning_rate=1e-3,
                 warmup_steps=20, repeat_share=0.0, random_share=0.0, attention_only=True, goal=0.5),
    "text": dict(steps=int(os.environ.get("TEXT_STEPS", 600)), batch_size=8, context=None, learning_rate=2e-4,
                 warmup_steps=20, repeat_share=0.3, random_share=0.1, attention_only=False, goal=None),
}
SETTINGS = dict(weight_decay=0.1, eval_every=100, repeat_length=(16, 120), random_length=(6, 20), stories=60_000,
                seed=4321)
# The app's head-role test: 40 random tokens twice over (src/engine/headRoles.ts); any seed measures the same skill.
HALF = 40
DEVICE = os.environ.get("TRAIN_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu")
# The app's bar for naming a head for a job (ROLE_THRESHOLD): the weights kept must pass it.
INDUCTION_THRESHOLD = 0.4


def log(message):
    print(time.strftime("%H:%M:%S"), message, flush=True)


def shipped_model():
    with open(os.path.join(FOLDER, "config.json")) as file:
        hf = json.load(file)
    if LLAMA:
        config = LlamaConfig(vocab_size=hf["vocab_size"], hidden_size=hf["hidden_size"],
                             intermediate_size=hf["intermediate_size"], num_hidden_layers=hf["num_hidden_layers"],
                             num_attention_heads=hf["num_attention_heads"], num_key_value_heads=hf["num_key_value_heads"])
        model = LlamaForCausalLM(config)
    else:
        config = GPTConfig(vocab_size=hf["vocab_size"], n_embd=hf["n_embd"], n_layer=hf["n_layer"], n_head=hf["n_head"])
        model = GPT2LMHeadModel(config)
    graph = onnx.load(os.path.join(FOLDER, "onnx", "decoder_model_merged.onnx"))
    weights = {init.name: torch.from_numpy(numpy_helper.to_array(init).copy()) for init in graph.graph.initializer}
    state = model.state_dict()
    loaded = {}
    for name, tensor in state.items():
        source = weights.get(name)
        if source is None and name == "lm_head.weight":
            source = weights["model.embed_tokens.weight" if LLAMA else "transformer.wte.weight"]  # tied
        if source is None:
            raise SystemExit(f"{name} is not in the shipped graph (its tensors: {sorted(weights)[:8]}…)")
        if tuple(source.shape) != tuple(tensor.shape):
            raise SystemExit(f"{name}: {tuple(source.shape)} in the graph, {tuple(tensor.shape)} in the model")
        loaded[name] = source
    model.load_state_dict(loaded)
    return model, config


def encoded(tokenizer, texts):
    eot = tokenizer.token_to_id("<|endoftext|>")
    ids = []
    for text in texts:
        ids.append(eot)
        ids.extend(tokenizer.encode(text).ids)
    return torch.tensor(ids, dtype=torch.long)


def windows(tokens, count, length, generator, repeat_share=0.0, random_share=0.0):
    """Training windows; in `repeat_share` of them a passage from earlier in the window is written in again at a
    later place (the window keeps its length: what followed moves on, the end falls off); `random_share` of them are
    a few tokens drawn from the corpus at random, over and over."""
    starts = torch.randint(0, len(tokens) - length - 1, (count,), generator=generator)
    batch = tokens[starts.unsqueeze(1) + torch.arange(length + 1)].clone()
    low, high = SETTINGS["repeat_length"]
    for row in range(count):
        roll = torch.rand(1, generator=generator).item()
        if roll < random_share:
            # Random tokens, repeated to the window's end: only copying predicts them.
            # Drawn from the corpus (tokens as often as text uses them): a rarely seen token's embedding is too
            # little trained for a head to match on.
            size = int(torch.randint(SETTINGS["random_length"][0], SETTINGS["random_length"][1] + 1, (1,), generator=generator))
            phrase = tokens[torch.randint(0, len(tokens), (size,), generator=generator)]
            batch[row] = phrase.repeat(length // size + 2)[:length + 1]
            continue
        if roll >= random_share + repeat_share:
            continue
        size = int(torch.randint(low, high + 1, (1,), generator=generator))
        source = int(torch.randint(0, length - 2 * size, (1,), generator=generator))
        at = int(torch.randint(source + size, length + 1 - size, (1,), generator=generator))
        phrase = batch[row, source:source + size].clone()
        batch[row] = torch.cat([batch[row, :at], phrase, batch[row, at:]])[:length + 1]
    return batch[:, :-1], batch[:, 1:]


def copy_batch(tokens, count, generator):
    """The copy stage's batch: `half` corpus tokens drawn at random, then the same again, after a stretch of ordinary
    text of random length; `half` changes from batch to batch (at one length a head learns the offset, not the
    token: it attends `half` − 1 back and fails at any other). Only the repeat counts in the loss: the first half
    cannot be predicted, and its loss would teach the tokens' frequencies instead of copying."""
    half = int(torch.randint(8, 41, (1,), generator=generator))
    lead = int(torch.randint(0, 33, (1,), generator=generator))
    phrase = tokens[torch.randint(0, len(tokens), (count, half), generator=generator)]
    starts = torch.randint(0, len(tokens) - lead - 1, (count,), generator=generator)
    text = tokens[starts.unsqueeze(1) + torch.arange(lead)]
    rows = torch.cat([text, phrase, phrase], 1)
    weight = torch.zeros(count, rows.size(1) - 1)
    weight[:, lead + half - 1:] = 1  # the targets at the repeat's positions (its first token onward)
    return rows[:, :-1], rows[:, 1:], weight


@torch.no_grad()
def heldout_loss(model, batches):
    model.eval()
    losses = [F.cross_entropy(model(x.to(DEVICE)).flatten(0, 1), y.to(DEVICE).flatten()).item() for x, y in batches]
    model.train()
    return sum(losses) / len(losses)


@torch.no_grad()
def induction_scores(model, vocab, special):
    """Per (layer, head): the mean share of attention, over the repeat, on the token after the first occurrence,
    and on the token just before (previous-token); averaged over three random sequences."""
    model.eval()
    rng = np.random.default_rng(7)
    induction = previous = None
    for _ in range(3):
        half = [int(i) for i in rng.choice([i for i in range(vocab) if i not in special], HALF, replace=False)]
        patterns = card.attention_patterns(model, half + half)
        n = 2 * HALF
        repeat = torch.arange(HALF, n)
        rows = torch.arange(1, n)
        ind = torch.stack([p[:, repeat, repeat - HALF + 1].mean(-1) for p in patterns])
        prev = torch.stack([p[:, rows, rows - 1].mean(-1) for p in patterns])
        induction = ind if induction is None else induction + ind
        previous = prev if previous is None else previous + prev
    model.train()
    return induction / 3, previous / 3


def learning_rate(stage, step):
    if step < stage["warmup_steps"]:
        return stage["learning_rate"] * (step + 1) / stage["warmup_steps"]
    return stage["learning_rate"]


def main():
    from tokenizers import Tokenizer

    os.makedirs(BUILD, exist_ok=True)
    torch.manual_seed(SETTINGS["seed"])
    model, config = shipped_model()
    model.to(DEVICE)
    context = config.max_position_embeddings if LLAMA else config.n_positions
    tokenizer = Tokenizer.from_file(os.path.join(FOLDER, "tokenizer.json"))
    eot = tokenizer.token_to_id("<|endoftext|>")
    log(f"{NAME}: encoding {SETTINGS['stories']} training texts and the held-out texts")
    train_tokens = encoded(tokenizer, corpus.texts(seed=1, count=SETTINGS["stories"]))
    heldout_tokens = encoded(tokenizer, corpus.texts(seed=2, count=2_000, heldout=True))
    log(f"{len(train_tokens)} training tokens, {len(heldout_tokens)} held-out tokens")
    generator = torch.Generator().manual_seed(SETTINGS["seed"])
    eval_generator = torch.Generator().manual_seed(SETTINGS["seed"] + 1)
    eval_batches = [windows(heldout_tokens, 16, context, eval_generator) for _ in range(8)]
    repeat_generator = torch.Generator().manual_seed(SETTINGS["seed"] + 2)
    repeat_batches = [windows(heldout_tokens, 16, context, repeat_generator, 1.0) for _ in range(4)]

    def measure(stage, step):
        induction, previous = induction_scores(model, config.vocab_size, {eot})
        layer, head = divmod(int(induction.argmax()), induction.size(1))
        entry = {"stage": stage, "step": step, "heldout_loss": heldout_loss(model, eval_batches),
                 "heldout_loss_with_repeats": heldout_loss(model, repeat_batches),
                 "induction": round(float(induction.max()), 4), "induction_head": [layer, head],
                 "previous": round(float(previous.max()), 4)}
        log(f"{stage} step {step}: held-out {entry['heldout_loss']:.3f} (with repeats {entry['heldout_loss_with_repeats']:.3f}), "
            f"best induction L{layer + 1} H{head + 1} {entry['induction']:.3f}, best previous-token {entry['previous']:.3f}")
        return entry

    history = [measure("shipped", 0)]
    best = None
    started = time.time()
    for name, stage in STAGES.items():
        trained = [p for n, p in model.named_parameters()
                   if not stage["attention_only"] or ".self_attn." in n or ".attn." in n]
        for p in model.parameters():
            p.requires_grad_(False)
        for p in trained:
            p.requires_grad_(True)
        optimizer = torch.optim.AdamW([{"params": [p for p in trained if p.dim() >= 2], "weight_decay": SETTINGS["weight_decay"]},
                                       {"params": [p for p in trained if p.dim() < 2], "weight_decay": 0.0}],
                                      lr=stage["learning_rate"], betas=(0.9, 0.95))
        log(f"stage {name}: {sum(p.numel() for p in trained)} parameters learn")
        model.train()
        for step in range(stage["steps"]):
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(stage, step)
            if name == "copy":
                x, y, weight = (t.to(DEVICE) for t in copy_batch(train_tokens, stage["batch_size"], generator))
                losses = F.cross_entropy(model(x).flatten(0, 1), y.flatten(), reduction="none")
                loss = (losses * weight.flatten()).sum() / weight.sum()
            else:
                x, y = windows(train_tokens, stage["batch_size"], stage["context"] or context, generator,
                               stage["repeat_share"], stage["random_share"])
                loss = F.cross_entropy(model(x.to(DEVICE)).flatten(0, 1), y.to(DEVICE).flatten())
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trained, 1.0)
            optimizer.step()
            done = step + 1
            if done % 20 == 0:
                log(f"{name} step {done}/{stage['steps']} loss {loss.item():.3f}")
            if done % SETTINGS["eval_every"] == 0 or done == stage["steps"]:
                entry = measure(name, done)
                entry["train_loss"] = loss.item()
                history.append(entry)
                if name == "text" and entry["induction"] >= INDUCTION_THRESHOLD and (
                        best is None or entry["heldout_loss"] <= best["heldout_loss"]):
                    best = entry
                    torch.save({k: v.cpu() for k, v in model.state_dict().items()}, os.path.join(BUILD, "model-best.pt"))
                torch.save({k: v.cpu() for k, v in model.state_dict().items()}, os.path.join(BUILD, f"model-{name}.pt"))
                with open(os.path.join(BUILD, "induction.json"), "w") as file:
                    json.dump({"stages": STAGES, "settings": SETTINGS, "history": history, "best": best,
                               "seconds": time.time() - started, "torch": torch.__version__,
                               "threads": torch.get_num_threads(), "cpus": os.cpu_count()}, file, indent=1)
                if stage["goal"] is not None and entry["induction"] >= stage["goal"]:
                    break
    log(f"done in {(time.time() - started) / 60:.1f} min; kept {best and (best['stage'], best['step'])}")


if __name__ == "__main__":
    sys.exit(main())
