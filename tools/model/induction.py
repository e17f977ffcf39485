"""Trains induction heads into a shipped embedded model: more training from its own weights, until a head looks up
what followed an earlier occurrence of the current token and the model copies it.

    .venv/bin/python tools/model/induction.py [--llama]      (TRAIN_DEVICE=cuda|cpu; MIXED_STEPS, MIXED_LR,
                                                                MIXED_COPY_BATCH, and the same for RECOVER_)

Why: neither embedded model has an induction head on the app's head-role test (a random sequence fed twice;
docs/head-roles.md): their corpus seldom repeats a passage within 256 tokens, so nothing rewarded copying. Every
step trains all weights on two batches at once (STAGES): windows of the corpus (some with a passage written in again
later), whose loss keeps the ordinary text, and copy rows, a little text and then tokens drawn uniformly at random
said twice, whose loss counts only the repeat (the first pass cannot be predicted, and its loss would teach the
tokens' frequencies instead of copying). Stage "mixed" (a high learning rate) crosses the plateau such heads sit on
before they form; stage "recover" (a lower, decaying rate, more text) brings the ordinary text back while the skill
stays. The held-out loss is measured on the held-out texts as they are, so a card can say what the extra training
cost.

Status (docs/head-roles.md, "Training one in"): with the defaults below, flow-gpt2-tiny gains an induction head
(0.48 on induction.py's sequences, 0.40 on the app's test sequence) at a cost in ordinary text (held-out loss
0.74 → 0.95) too high for the default model: the
weights ship beside it as flow-gpt2-tiny-induction (`rebuild.sh --induction`), for the lesson's induction chapter.
The starting weights are read from the shipped ONNX file (its tensor names are the model's own); INIT= starts from
a state dict instead. Writes build-induction[-llama]/: model-<stage>.pt, model-best.pt (the lowest held-out loss
among the checkpoints with an induction head) and induction.json (every measurement).
"""

import json
import math
import os
import re
import sys
import time

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch.nn import functional as F

import card
import corpus
import quality
from model import GPT2LMHeadModel, GPTConfig
from model_llama import LlamaConfig, LlamaForCausalLM

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LLAMA = "--llama" in sys.argv
NAME = "flow-llama-tiny" if LLAMA else "flow-gpt2-tiny"
FOLDER = os.path.join(ROOT, "public", "models", NAME)
BUILD = os.environ.get("MODEL_BUILD", os.path.join(HERE, "build-induction-llama" if LLAMA else "build-induction"))
# Each stage: `text_batch` corpus windows of `text_context` tokens (a share `repeat_share` with a passage written in
# again) and `copy_batch` copy rows per step, all weights learning; copy tokens are drawn uniformly from the tokens
# the corpus uses at least `copy_min_count` times (0: the whole vocabulary, as the app's test draws them), of the
# script of the row's text (`copy_script` "text") or of any ("any").
STAGES = {
    "mixed": dict(steps=int(os.environ.get("MIXED_STEPS", 600)), text_batch=8, text_context=128, repeat_share=0.2,
                  copy_batch=int(os.environ.get("MIXED_COPY_BATCH", 32)), copy_min_count=50, copy_script="text",
                  learning_rate=float(os.environ.get("MIXED_LR", 5e-4)), decay=False, warmup_steps=50),
    "recover": dict(steps=int(os.environ.get("RECOVER_STEPS", 600)), text_batch=16, text_context=128, repeat_share=0.2,
                    copy_batch=int(os.environ.get("RECOVER_COPY_BATCH", 48)), copy_min_count=0, copy_script="text",
                    learning_rate=float(os.environ.get("RECOVER_LR", 3e-4)), decay=True, warmup_steps=50),
}
SETTINGS = dict(weight_decay=0.1, eval_every=250, repeat_length=(8, 40), copy_half=(8, 24), copy_lead=16, stories=60_000,
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


def windows(tokens, count, length, generator, repeat_share=0.0):
    """Training windows; in `repeat_share` of them a passage from earlier in the window is written in again at a
    later place (the window keeps its length: what followed moves on, the end falls off)."""
    starts = torch.randint(0, len(tokens) - length - 1, (count,), generator=generator)
    batch = tokens[starts.unsqueeze(1) + torch.arange(length + 1)].clone()
    low, high = SETTINGS["repeat_length"]
    for row in range(count):
        if torch.rand(1, generator=generator).item() >= repeat_share:
            continue
        size = int(torch.randint(low, high + 1, (1,), generator=generator))
        source = int(torch.randint(0, length - 2 * size, (1,), generator=generator))
        at = int(torch.randint(source + size, length + 1 - size, (1,), generator=generator))
        phrase = batch[row, source:source + size].clone()
        batch[row] = torch.cat([batch[row, :at], phrase, batch[row, at:]])[:length + 1]
    return batch[:, :-1], batch[:, 1:]


def copy_batch(tokens, choices, count, generator, script_of=None):
    """Copy rows: a stretch of ordinary text of random length, then `half` tokens drawn uniformly from `choices`, then
    the same again; `half` changes from batch to batch (at one length a head learns the offset, not the token: it
    attends `half` − 1 back and fails at any other). Drawn uniformly, the tokens' frequencies predict nothing; only
    the repeat counts in the loss (its first token too, which nothing predicts: a floor of about ln(choices) / half).
    With `script_of` (a script per token id: 0 neither, 1 Chinese, 2 Latin letters), a row's tokens are drawn from
    its text's script and the script-less ones only: tokens of any script after any text taught the model that a
    text may switch language at any point, and it began to continue Chinese prompts in English."""
    half = int(torch.randint(SETTINGS["copy_half"][0], SETTINGS["copy_half"][1] + 1, (1,), generator=generator))
    lead = int(torch.randint(0, SETTINGS["copy_lead"] + 1, (1,), generator=generator))
    starts = torch.randint(0, len(tokens) - lead - 1, (count,), generator=generator)
    text = tokens[starts.unsqueeze(1) + torch.arange(lead)]
    if script_of is None:
        phrase = choices[torch.randint(0, len(choices), (count, half), generator=generator)]
    else:
        pools = {script: choices[(script_of[choices] == script) | (script_of[choices] == 0)] for script in (1, 2)}
        rows = []
        for row in text:
            scripts = script_of[row]
            script = 1 if (scripts == 1).any() else 2 if (scripts == 2).any() else 1 + int(torch.randint(0, 2, (1,), generator=generator))
            rows.append(pools[script][torch.randint(0, len(pools[script]), (half,), generator=generator)])
        phrase = torch.stack(rows)
    rows = torch.cat([text, phrase, phrase], 1)
    weight = torch.zeros(count, rows.size(1) - 1)
    weight[:, lead + half - 1:] = 1  # the targets at the repeat's positions (its first token onward)
    return rows[:, :-1], rows[:, 1:], weight


def script_masks(tokenizer, vocab):
    """Per token id, whether its text has a Chinese character, and whether it has Latin letters."""
    pieces = [tokenizer.decode([i]) for i in range(vocab)]
    cjk = torch.tensor([bool(re.search(r"[\u4e00-\u9fff]", piece)) for piece in pieces])
    latin = torch.tensor([bool(re.search(r"[A-Za-z]", piece)) for piece in pieces])
    return cjk, latin


def scripts_of(cjk, latin):
    """Per token id: 1 when its text has a Chinese character, 2 when it has Latin letters (and none), else 0."""
    return torch.where(cjk, 1, torch.where(latin, 2, 0))


@torch.no_grad()
def heldout_loss(model, batches):
    model.eval()
    losses = [F.cross_entropy(model(x.to(DEVICE)).flatten(0, 1), y.to(DEVICE).flatten()).item() for x, y in batches]
    model.train()
    return sum(losses) / len(losses)


@torch.no_grad()
def induction_scores(model, vocab, special, seed=7, count=3):
    """Per (layer, head): the mean share of attention, over the repeat, on the token after the first occurrence,
    and on the token just before (previous-token); averaged over `count` random sequences."""
    model.eval()
    rng = np.random.default_rng(seed)
    induction = previous = None
    for _ in range(count):
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
    return induction / count, previous / count


@torch.no_grad()
def other_script_share(model, tokenizer, cjk, latin):
    """The mean probability, over quality.py's everyday prompts, that the first new token is in the other language's
    script (Latin letters after a Chinese prompt, CJK after an English one): the copy rows can teach that anything
    may follow a text, and a model that learned it switches language mid-sentence."""
    model.eval()
    shares = {}
    for lang, prompts, other in (("zh", quality.ZH_PROMPTS, latin.to(DEVICE)), ("en", quality.EN_PROMPTS, cjk.to(DEVICE))):
        total = 0.0
        for prompt in prompts:
            ids = torch.tensor([tokenizer.encode(prompt).ids], device=DEVICE)
            total += float(model(ids)[0, -1].softmax(-1)[other].sum())
        shares[lang] = round(total / len(prompts), 4)
    model.train()
    return shares


def write_record(history, best, started):
    """induction.json: every measurement so far, the kept checkpoint's, and how the run was set up."""
    with open(os.path.join(BUILD, "induction.json"), "w") as file:
        json.dump({"stages": STAGES, "settings": SETTINGS, "history": history, "best": best, "weights": "model-best.pt",
                   "seconds": time.time() - started, "torch": torch.__version__,
                   "threads": torch.get_num_threads(), "cpus": os.cpu_count()}, file, indent=1)


def learning_rate(stage, step):
    rate = stage["learning_rate"] * min(1.0, (step + 1) / stage["warmup_steps"])
    return rate * 0.5 * (1 + math.cos(math.pi * step / stage["steps"])) if stage["decay"] else rate


def main():
    from tokenizers import Tokenizer

    os.makedirs(BUILD, exist_ok=True)
    torch.manual_seed(SETTINGS["seed"])
    model, config = shipped_model()
    if os.environ.get("INIT"):
        model.load_state_dict(torch.load(os.environ["INIT"]))
    model.to(DEVICE)
    context = config.max_position_embeddings if LLAMA else config.n_positions
    tokenizer = Tokenizer.from_file(os.path.join(FOLDER, "tokenizer.json"))
    eot = tokenizer.token_to_id("<|endoftext|>")
    cjk, latin = script_masks(tokenizer, config.vocab_size)
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
                 "previous": round(float(previous.max()), 4),
                 "other_script": other_script_share(model, tokenizer, cjk, latin)}
        log(f"{stage} step {step}: held-out {entry['heldout_loss']:.3f} (with repeats {entry['heldout_loss_with_repeats']:.3f}), "
            f"best induction L{layer + 1} H{head + 1} {entry['induction']:.3f}, best previous-token {entry['previous']:.3f}, "
            f"other script {entry['other_script']}")
        return entry

    # (Started from INIT's weights, the first entry is theirs: the shipped model's figures are in its card.)
    history = [measure("init" if os.environ.get("INIT") else "shipped", 0)]
    best = None
    started = time.time()
    counts = torch.bincount(train_tokens, minlength=config.vocab_size)
    script_of = scripts_of(cjk, latin)
    # (STAGES_TO_RUN=recover goes on from INIT's weights, e.g. a kept "mixed" stage's.)
    chosen = os.environ.get("STAGES_TO_RUN", ",".join(STAGES)).split(",")
    for name, stage in ((name, stage) for name, stage in STAGES.items() if name in chosen):
        choices = torch.nonzero(counts >= stage["copy_min_count"]).flatten()
        choices = choices[choices != eot]
        optimizer = torch.optim.AdamW([{"params": [p for p in model.parameters() if p.dim() >= 2], "weight_decay": SETTINGS["weight_decay"]},
                                       {"params": [p for p in model.parameters() if p.dim() < 2], "weight_decay": 0.0}],
                                      lr=stage["learning_rate"], betas=(0.9, 0.95))
        log(f"stage {name}: copy tokens drawn from {len(choices)}")
        model.train()
        for step in range(stage["steps"]):
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(stage, step)
            x, y = windows(train_tokens, stage["text_batch"], stage["text_context"], generator, stage["repeat_share"])
            text_loss = F.cross_entropy(model(x.to(DEVICE)).flatten(0, 1), y.to(DEVICE).flatten())
            x, y, weight = (t.to(DEVICE) for t in copy_batch(train_tokens, choices, stage["copy_batch"], generator,
                                                             script_of if stage["copy_script"] == "text" else None))
            losses = F.cross_entropy(model(x).flatten(0, 1), y.flatten(), reduction="none")
            copy_loss = (losses * weight.flatten()).sum() / weight.sum()
            optimizer.zero_grad(set_to_none=True)
            (text_loss + copy_loss).backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            done = step + 1
            if done % 25 == 0:
                log(f"{name} step {done}/{stage['steps']} text loss {text_loss.item():.3f}, copy loss {copy_loss.item():.3f}")
            if done % SETTINGS["eval_every"] == 0 or done == stage["steps"]:
                entry = measure(name, done)
                entry.update(text_loss=text_loss.item(), copy_loss=copy_loss.item())
                history.append(entry)
                weights = {k: v.cpu() for k, v in model.state_dict().items()}
                if entry["induction"] >= INDUCTION_THRESHOLD and (best is None or entry["heldout_loss"] <= best["heldout_loss"]):
                    best = entry
                    torch.save(weights, os.path.join(BUILD, "model-best.pt"))
                torch.save(weights, os.path.join(BUILD, f"model-{name}.pt"))
                if entry["induction"] >= INDUCTION_THRESHOLD:  # to choose among by hand (the lesson's examples)
                    torch.save(weights, os.path.join(BUILD, f"model-{name}-{done}.pt"))
                write_record(history, best, started)
    if best is not None:
        # The kept checkpoint was chosen by three fixed sequences: its head measured again on ten others.
        model.load_state_dict(torch.load(os.path.join(BUILD, "model-best.pt")))
        induction, _ = induction_scores(model, config.vocab_size, {eot}, seed=12345, count=10)
        layer, head = best["induction_head"]
        best["induction_fresh"] = round(float(induction[layer, head]), 4)
        log(f"kept {best['stage']} step {best['step']}: its head L{layer + 1} H{head + 1} scores {best['induction_fresh']:.3f} on ten fresh sequences")
        write_record(history, best, started)
    log(f"done in {(time.time() - started) / 60:.1f} min; kept {best and (best['stage'], best['step'])}")


if __name__ == "__main__":
    sys.exit(main())
