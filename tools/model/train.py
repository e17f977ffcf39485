"""Trains the embedded model from nothing: corpus → tokenizer → GPT → checkpoint in tools/model/build/.

Run through `npm run model:train` (which then exports). Seeded end to end: the same machine gives the same weights.
On a CUDA machine it trains there (TRAIN_DEVICE=cpu forces the processor). TRAIN_SECONDS sets a time budget: the
number of steps is then chosen from the speed of the first steps, before the learning rate starts to fall.
"""

import json
import math
import os
import shutil
import sys
import time

import torch
from torch.nn import functional as F

import bpe
import corpus
from model import GPT2LMHeadModel, GPTConfig
from model_llama import LlamaConfig, LlamaForCausalLM

# MODEL_ARCH=llama trains the Llama-architecture model (same corpus and tokenizer) into build-llama/.
ARCH = os.environ.get("MODEL_ARCH", "gpt2")
BUILD = os.environ.get("MODEL_BUILD", os.path.join(os.path.dirname(os.path.abspath(__file__)), "build" if ARCH == "gpt2" else "build-llama"))
SETTINGS = dict(
    train_stories=int(os.environ.get("TRAIN_STORIES", 200_000)), heldout_stories=2_000, tokenizer_stories=30_000,
    vocab_size=8192, steps=int(os.environ.get("TRAIN_STEPS", 1600)), batch_size=int(os.environ.get("TRAIN_BATCH", 16)), learning_rate=2e-3,
    min_learning_rate=1e-4, warmup_steps=100, weight_decay=0.1, eval_every=100, checkpoint_every=int(os.environ.get("TRAIN_CHECKPOINT_EVERY", 100)), seed=1234,
)
# Every common Chinese character and the usual CJK punctuation is one token, whatever the corpus holds.
def required_characters():
    return "".join(corpus.common_chars()) + "，。！？、；：“”‘’（）《》…—·「」【】～"


DEVICE = os.environ.get("TRAIN_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu")
TIME_BUDGET = float(os.environ.get("TRAIN_SECONDS", 0))


def log(message):
    print(time.strftime("%H:%M:%S"), message, flush=True)


def encode_stories(encoder, stories):
    """One token stream: <|endoftext|> before each story, as GPT-2 was trained."""
    eot = encoder.vocab[bpe.END_OF_TEXT]
    ids = []
    for text in stories:
        ids.append(eot)
        ids.extend(encoder.encode(text))
    # 16 bits hold every id of an 8,192-token vocabulary: a quarter of the file, and small enough to carry.
    return torch.tensor(ids, dtype=torch.int16)


def windows(tokens, count, length, generator):
    # The draw is on the processor whatever the device, so the data order is the same on every machine.
    starts = torch.randint(0, len(tokens) - length - 1, (count,), generator=generator).to(tokens.device)
    batch = tokens[starts.unsqueeze(1) + torch.arange(length + 1, device=tokens.device)].long()
    return batch[:, :-1], batch[:, 1:]


def learning_rate(step):
    s = SETTINGS
    if step < s["warmup_steps"]:
        return s["learning_rate"] * (step + 1) / s["warmup_steps"]
    progress = (step - s["warmup_steps"]) / max(1, s["steps"] - s["warmup_steps"])
    return s["min_learning_rate"] + 0.5 * (1 + math.cos(math.pi * progress)) * (s["learning_rate"] - s["min_learning_rate"])


@torch.no_grad()
def heldout_loss(model, batches):
    model.eval()
    losses = [F.cross_entropy(model(x).flatten(0, 1), y.flatten()).item() for x, y in batches]
    model.train()
    return sum(losses) / len(losses)


def main():
    os.makedirs(BUILD, exist_ok=True)
    torch.manual_seed(SETTINGS["seed"])
    if ARCH == "llama":
        config = LlamaConfig(vocab_size=SETTINGS["vocab_size"], hidden_size=160, intermediate_size=432,
                             num_hidden_layers=6, num_attention_heads=4, num_key_value_heads=2)
        context = config.max_position_embeddings
    else:
        config = GPTConfig(vocab_size=SETTINGS["vocab_size"], n_embd=160, n_layer=6, n_head=4)
        context = config.n_positions
    log(f"arch {ARCH} settings {SETTINGS} config {config}")

    def train_texts():
        return list(corpus.texts(seed=1, count=SETTINGS["train_stories"]))

    def heldout_texts():
        return list(corpus.texts(seed=2, count=SETTINGS["heldout_stories"], heldout=True))

    # Both architectures share one tokenizer and one encoded corpus: the second training reuses the first's.
    shared = os.path.join(os.path.dirname(BUILD), "build-shared")
    os.makedirs(shared, exist_ok=True)
    tokenizer_path, tokens_path = os.path.join(shared, "tokenizer.json"), os.path.join(shared, "tokens.pt")
    merges_path = os.path.join(shared, "merges.json")
    if os.path.exists(tokens_path):
        log("reusing the shared tokenizer and encoded corpus")
        with open(merges_path, encoding="utf-8") as file:
            merges = [tuple(pair) for pair in json.load(file)]
        train_tokens, heldout_tokens = torch.load(tokens_path)
    elif os.path.exists(merges_path):
        # The corpus changed after the tokenizer was made: keep the tokenizer (both models share it), re-encode.
        log("reusing the shared tokenizer; encoding the corpus")
        with open(merges_path, encoding="utf-8") as file:
            merges = [tuple(pair) for pair in json.load(file)]
        encoder = bpe.Encoder(merges)
        train_tokens = encode_stories(encoder, train_texts())
        heldout_tokens = encode_stories(encoder, heldout_texts())
        torch.save((train_tokens, heldout_tokens), tokens_path)
    else:
        log("training the tokenizer")
        texts = train_texts()
        merges = bpe.train(texts[:SETTINGS["tokenizer_stories"]], SETTINGS["vocab_size"], required_characters())
        bpe.save(merges, tokenizer_path)
        with open(os.path.join(shared, "merges.json"), "w", encoding="utf-8") as file:
            json.dump(merges, file, ensure_ascii=False)
        log("encoding the corpus")
        encoder = bpe.Encoder(merges)
        train_tokens = encode_stories(encoder, texts)
        heldout_tokens = encode_stories(encoder, heldout_texts())
        torch.save((train_tokens, heldout_tokens), tokens_path)
    shutil.copy(tokenizer_path, os.path.join(BUILD, "tokenizer.json"))
    train_tokens, heldout_tokens = train_tokens.to(DEVICE), heldout_tokens.to(DEVICE)
    log(f"{len(merges)} merges; {len(train_tokens)} training tokens, {len(heldout_tokens)} held-out tokens")

    model = (LlamaForCausalLM(config) if ARCH == "llama" else GPT2LMHeadModel(config)).to(DEVICE)
    torch.backends.cuda.matmul.allow_tf32 = True
    parameters = sum(p.numel() for p in model.parameters())
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": SETTINGS["weight_decay"]},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=SETTINGS["learning_rate"],
                                  betas=(0.9, 0.95), fused=DEVICE == "cuda")
    generator = torch.Generator().manual_seed(SETTINGS["seed"])
    eval_generator = torch.Generator().manual_seed(SETTINGS["seed"] + 1)
    eval_batches = [windows(heldout_tokens, SETTINGS["batch_size"], context, eval_generator)
                    for _ in range(8)]

    tokens_per_step = SETTINGS["batch_size"] * context
    started = time.time()
    history = []
    first_step = 0
    checkpoint_path = os.path.join(BUILD, "checkpoint.pt")
    if os.path.exists(checkpoint_path):
        # A stopped run resumes where its last checkpoint left off, with the same data order.
        checkpoint = torch.load(checkpoint_path, weights_only=False, map_location=DEVICE)
        model.load_state_dict(checkpoint["model"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        generator.set_state(checkpoint["generator"])
        history, first_step = checkpoint["history"], checkpoint["step"]
        started -= checkpoint["elapsed"]
        log(f"resumed at step {first_step}")
    for step in range(first_step, SETTINGS["steps"]):
        if step >= SETTINGS["steps"]:
            break  # the time budget shortened the run
        if TIME_BUDGET and first_step == 0 and step == 50 and step < SETTINGS["warmup_steps"]:
            # Fit the run into the budget while the learning rate still only warms up, so the schedule stays whole.
            per_step = (time.time() - started) / 50 * 1.1
            SETTINGS["steps"] = max(step + 1, min(SETTINGS["steps"], int(TIME_BUDGET / per_step)))
            log(f"{per_step * 1000:.0f} ms a step: {SETTINGS['steps']} steps fit in {TIME_BUDGET:.0f} s")
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step)
        x, y = windows(train_tokens, SETTINGS["batch_size"], context, generator)
        loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        done = step + 1
        if done % 20 == 0 or done == SETTINGS["steps"]:
            elapsed = time.time() - started
            speed = done * tokens_per_step / elapsed
            eta = (SETTINGS["steps"] - done) * elapsed / done
            log(f"step {done}/{SETTINGS['steps']} loss {loss.item():.3f} {speed:.0f} tokens/s ETA {eta / 60:.1f} min")
        if done % SETTINGS["eval_every"] == 0 or done == SETTINGS["steps"]:
            heldout = heldout_loss(model, eval_batches)
            history.append({"step": done, "train_loss": loss.item(), "heldout_loss": heldout})
            log(f"held-out loss {heldout:.3f}")
            if heldout <= min(entry["heldout_loss"] for entry in history):
                # Kept beside the final weights, in case many passes over the corpus start to overfit it.
                torch.save({k: v.cpu() for k, v in model.state_dict().items()}, os.path.join(BUILD, "model-best.pt"))
        if done % SETTINGS["checkpoint_every"] == 0 and done < SETTINGS["steps"]:
            torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": done,
                        "generator": generator.get_state(), "history": history,
                        "elapsed": time.time() - started}, checkpoint_path + ".tmp")
            os.replace(checkpoint_path + ".tmp", checkpoint_path)

    elapsed = time.time() - started
    torch.save({k: v.cpu() for k, v in model.state_dict().items()}, os.path.join(BUILD, "model.pt"))
    with open(os.path.join(BUILD, "training.json"), "w") as file:
        json.dump({"arch": ARCH, "settings": SETTINGS, "config": config.__dict__, "parameters": parameters,
                   "training_tokens_seen": SETTINGS["steps"] * tokens_per_step,
                   "corpus_tokens": len(train_tokens), "heldout_tokens": len(heldout_tokens),
                   "train_seconds": elapsed, "history": history, "torch": torch.__version__,
                   "threads": torch.get_num_threads(), "machine": os.uname().machine, "device": (
                       torch.cuda.get_device_name() if DEVICE == "cuda" else "cpu"),
                   "cpus": os.cpu_count(),
                   # The export ships the weights with the lowest held-out loss (early stopping), not the last step's.
                   "shipped_weights": "model-best.pt"}, file, indent=1)
    log(f"done in {elapsed / 60:.1f} min; final held-out loss {history[-1]['heldout_loss']:.3f}")


if __name__ == "__main__":
    sys.exit(main())
