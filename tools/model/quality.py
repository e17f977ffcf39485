"""Scores an embedded model on everyday prompts it never saw: greedy and sampled continuations of 15 Chinese and
15 English prompts, run through the model folder's own ONNX graph and tokenizer.json, as the app runs them.

    .venv/bin/python tools/model/quality.py public/models/flow-gpt2-tiny [--json out.json]

Figures, per language and decoding:
- language: the share of the continuations' letters in the prompt's language (CJK ideographs for a Chinese
  prompt, Latin letters for an English one), over all letters of the 15 continuations;
- ended at once: continuations with no letter at all (the model closed the sentence and ended the text);
- bytes: common Chinese characters (GB2312 level 1) that came out as byte pieces instead of one token, in the
  continuation and, separately, in the tokenized prompts;
- distinct bigrams: distinct token bigrams / all token bigrams of each continuation, averaged;
- sentences: the share of continuations that contain a whole sentence (end punctuation after some text).
"""

import argparse
import json
import os
import sys

import numpy as np
import onnxruntime
from tokenizers import Tokenizer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402

# Everyday prompts written for this check; none occurs in the corpus (checked by `--check-corpus`).
ZH_PROMPTS = [
    "奶奶在阳台上晒被子，", "我们班明天要去郊游，", "这家面馆的牛肉面", "下课铃响了，同学们", "妹妹把积木搭成了",
    "爷爷每天早上去河边钓鱼，", "今天的作业特别多，", "冰箱里只剩下", "小猫趴在窗台上", "地铁站里人很多，",
    "妈妈给我买了一双新", "秋天到了，果园里", "他第一次坐飞机，", "雨停了，天边出现了", "周末我想去图书馆借",
]
EN_PROMPTS = [
    "My grandmother grows tomatoes in", "The train to the city was late, so", "After the football match, the boys",
    "The little girl opened the fridge and", "It was my first day at the new school, and",
    "The doctor looked at my throat and said", "We bought a cake for my father's birthday because",
    "The river was too deep to cross, so", "When the lights went out, everyone", "My brother always forgets his keys, so",
    "The teacher wrote a long word on the board", "On rainy days, our cat likes to", "The shop closes at nine, so we",
    "She saved her money for three months to buy", "The old man in the park feeds the pigeons",
]
NEW_TOKENS = 40
SAMPLING = {"temperature": 0.8, "top_k": 40}


def is_cjk(ch):
    return "\u4e00" <= ch <= "\u9fff"


def is_latin(ch):
    return ch.isascii() and ch.isalpha()


class Model:
    """The folder's KV-cache graph (fed an empty past, so it computes the whole sequence) and its tokenizer."""

    def __init__(self, folder):
        with open(os.path.join(folder, "config.json")) as file:
            self.config = json.load(file)
        self.session = onnxruntime.InferenceSession(os.path.join(folder, "onnx", "decoder_model_merged.onnx"))
        self.tokenizer = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
        self.eos = self.config["eos_token_id"]
        self.inputs = {i.name: i for i in self.session.get_inputs()}
        c = self.config
        self.kv_heads = c.get("num_key_value_heads", c.get("n_head"))
        self.head_dim = c.get("head_dim") or (c.get("hidden_size") or c["n_embd"]) // (c.get("num_attention_heads") or c["n_head"])
        self.context = c.get("max_position_embeddings") or c.get("n_positions")

    def logits(self, ids):
        ids = ids[-self.context:]
        feed = {"input_ids": np.array([ids], dtype=np.int64), "attention_mask": np.ones((1, len(ids)), dtype=np.int64)}
        if "position_ids" in self.inputs:
            feed["position_ids"] = np.arange(len(ids), dtype=np.int64)[None]
        for name in self.inputs:
            if name.startswith("past_key_values"):
                feed[name] = np.zeros((1, self.kv_heads, 0, self.head_dim), dtype=np.float32)
        return self.session.run(["logits"], feed)[0][0, -1]

    def continue_(self, prompt, temperature=0.0, top_k=0, seed=0):
        rng = np.random.default_rng(seed)
        ids = self.tokenizer.encode(prompt).ids
        new = []
        for _ in range(NEW_TOKENS):
            logits = self.logits(ids + new).astype(np.float64)
            if temperature == 0:
                token = int(logits.argmax())
            else:
                logits = logits / temperature
                if top_k:
                    logits[logits < np.sort(logits)[-top_k]] = -np.inf
                p = np.exp(logits - logits.max())
                token = int(rng.choice(len(p), p=p / p.sum()))
            if token == self.eos:
                break
            new.append(token)
        return ids, new

    def piece_bytes(self, token):
        """The UTF-8 bytes a token stands for (byte-level BPE: each vocabulary character is one byte)."""
        return bytes(BYTE_OF[ch] for ch in self.tokenizer.id_to_token(token))


def _byte_table():
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    chars, extra = printable[:], 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(printable, chars)}


BYTE_OF = _byte_table()


def score(model, prompts, english, decoding):
    common = set(corpus.common_chars())
    rows = []
    for index, prompt in enumerate(prompts):
        prompt_ids, new = model.continue_(prompt, seed=index, **decoding)
        prompt_bytes = sum(len(model.piece_bytes(t).decode("utf-8", errors="ignore")) == 0 for t in prompt_ids)
        pieces = [model.piece_bytes(t) for t in new]
        text = b"".join(pieces).decode("utf-8", errors="replace")
        letters = [ch for ch in text if is_cjk(ch) or ch.isalpha()]
        in_language = sum((is_latin if english else is_cjk)(ch) for ch in letters)
        # A common character shown as bytes: a run of tokens that are not whole UTF-8 and join into that character.
        as_bytes, run = 0, b""
        for piece in pieces:
            try:
                piece.decode("utf-8")
                run = b""
            except UnicodeDecodeError:
                run += piece
                try:
                    joined = run.decode("utf-8")
                    as_bytes += sum(ch in common for ch in joined)
                    run = b""
                except UnicodeDecodeError:
                    pass
        bigrams = list(zip(new, new[1:]))
        ends = ".!?" if english else "。！？"
        rows.append({"prompt": prompt, "continuation": text,
                     "language": in_language / len(letters) if letters else 0.0,
                     "letters": len(letters), "letters_in_language": in_language,
                     "bytes": as_bytes, "prompt_byte_tokens": prompt_bytes, "distinct_bigrams": len(set(bigrams)) / len(bigrams) if bigrams else 0.0,
                     "sentence": any(ch in ends for ch in text.strip()[1:])})
    letters = sum(r["letters"] for r in rows)
    return {"language": sum(r["letters_in_language"] for r in rows) / letters if letters else 0.0,
            "ended_at_once": sum(r["letters"] == 0 for r in rows) / len(rows), "bytes": int(sum(r["bytes"] for r in rows)),
            "prompt_byte_tokens": int(sum(r["prompt_byte_tokens"] for r in rows)),
            "distinct_bigrams": float(np.mean([r["distinct_bigrams"] for r in rows])),
            "sentences": float(np.mean([r["sentence"] for r in rows])), "rows": rows}


def evaluate(folder):
    model = Model(folder)
    result = {}
    for lang, prompts, english in [("zh", ZH_PROMPTS, False), ("en", EN_PROMPTS, True)]:
        result[lang] = {"greedy": score(model, prompts, english, {}), "sampled": score(model, prompts, english, SAMPLING)}
    return result


def check_corpus(count=200_000):
    """Prompts that occur verbatim in the training texts (there should be none)."""
    prompts = ZH_PROMPTS + EN_PROMPTS
    found = set()
    for text in corpus.texts(seed=1, count=count):
        for prompt in prompts:
            if prompt in text:
                found.add(prompt)
    return sorted(found)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--json")
    parser.add_argument("--check-corpus", action="store_true")
    arguments = parser.parse_args()
    result = evaluate(arguments.folder)
    if arguments.check_corpus:
        result["prompts_in_corpus"] = check_corpus()
    for lang in ("zh", "en"):
        for decoding in ("greedy", "sampled"):
            r = result[lang][decoding]
            print(f"{lang} {decoding:7} language {r['language']:.1%}  ended at once {r['ended_at_once']:.0%}  common characters as bytes {r['bytes']} (prompt byte tokens {r['prompt_byte_tokens']})  "
                  f"distinct bigrams {r['distinct_bigrams']:.1%}  with a sentence {r['sentences']:.0%}")
        for row in result[lang]["greedy"]["rows"][:4]:
            print("   ", row["prompt"], "→", row["continuation"].replace("\n", " ")[:100])
    if arguments.json:
        with open(arguments.json, "w", encoding="utf-8") as file:
            json.dump(result, file, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
