"""A byte-level BPE tokenizer, trained here and written in Hugging Face's `tokenizer.json` format.

Debian has no `tokenizers` package, so this is our own small trainer. It follows GPT-2 exactly: the same
pre-tokenizer regex, the same byte-to-unicode table (so byte tokens print as `Ġ` for a space), merges applied by
rank. `@xenova/transformers`' AutoTokenizer loads the result as a GPT2Tokenizer.
"""

import collections
import json

import regex

# GPT-2's pre-tokenizer pattern (the one the ByteLevel pre-tokenizer uses with use_regex=true).
PRETOKENIZE = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")
END_OF_TEXT = "<|endoftext|>"


def bytes_to_unicode():
    """GPT-2's reversible map from the 256 byte values to printable unicode characters."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    chars = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            chars.append(256 + extra)
            extra += 1
    return dict(zip(printable, map(chr, chars)))


BYTE_TO_CHAR = bytes_to_unicode()
CHAR_TO_BYTE = {char: byte for byte, char in BYTE_TO_CHAR.items()}
# Chinese merges stop at two characters, so tokens stay words (森林, 看见) rather than template phrases (里找到了).
MAX_CJK_PER_TOKEN = 2


def cjk_count(symbol):
    """How many CJK ideographs a byte-level symbol holds (an incomplete character counts as none)."""
    text = bytes(CHAR_TO_BYTE[char] for char in symbol).decode("utf-8", errors="ignore")
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text)


def pretokens(text):
    """Pre-tokens of `text`, each as its byte-level unicode string."""
    return ["".join(BYTE_TO_CHAR[b] for b in piece.encode("utf-8")) for piece in PRETOKENIZE.findall(text)]


def required_merges(characters):
    """Merges that make each of `characters` one token, ranked before anything learned: first every needed pair of
    leading bytes, then each whole character, in the order given. A character of n UTF-8 bytes takes n - 1 merges,
    and characters that share leading bytes share those merges (as Qwen's and GPT-4's tokenizers do for CJK)."""
    merges, seen = [], set()
    for length in range(2, 5):
        for ch in characters:
            symbols = [BYTE_TO_CHAR[b] for b in ch.encode("utf-8")]
            if len(symbols) < length:
                continue
            pair = ("".join(symbols[:length - 1]), symbols[length - 1])
            if pair not in seen:
                seen.add(pair)
                merges.append(pair)
    return merges


def train(texts, vocab_size, required=()):
    """Learns merges until the vocabulary (256 bytes + merges + END_OF_TEXT) has `vocab_size` entries. The characters
    in `required` become whole tokens first, whatever their count in `texts`."""
    word_counts = collections.Counter()
    for text in texts:
        word_counts.update(pretokens(text))
    merges = required_merges(required)
    if merges:
        start = Encoder(merges)
        words = [start.symbols(word) for word in word_counts]
    else:
        words = [list(word) for word in word_counts]
    counts = [word_counts[word] for word in word_counts]

    pair_counts = collections.Counter()
    pair_words = collections.defaultdict(set)
    for index, symbols in enumerate(words):
        for pair in zip(symbols, symbols[1:]):
            pair_counts[pair] += counts[index]
            pair_words[pair].add(index)

    while 256 + len(merges) + 1 < vocab_size and pair_counts:
        # Ties broken by the pair itself, so training is deterministic.
        best = max(pair_counts.items(), key=lambda item: (item[1], item[0]))[0]
        if cjk_count(best[0] + best[1]) > MAX_CJK_PER_TOKEN:
            del pair_counts[best]  # counted again if a later merge rebuilds it, and dropped again here
            continue
        if pair_counts[best] < 2:
            break
        merges.append(best)
        merged = best[0] + best[1]
        for index in list(pair_words[best]):
            symbols = words[index]
            for pair in zip(symbols, symbols[1:]):
                pair_counts[pair] -= counts[index]
                if pair_counts[pair] <= 0:
                    del pair_counts[pair]
            rebuilt, position = [], 0
            while position < len(symbols):
                if position + 1 < len(symbols) and (symbols[position], symbols[position + 1]) == best:
                    rebuilt.append(merged)
                    position += 2
                else:
                    rebuilt.append(symbols[position])
                    position += 1
            words[index] = rebuilt
            for pair in zip(rebuilt, rebuilt[1:]):
                pair_counts[pair] += counts[index]
                pair_words[pair].add(index)
        del pair_words[best]
    return merges


class Encoder:
    """Encodes text with learned merges exactly as the Hugging Face BPE model does (lowest rank first)."""

    def __init__(self, merges):
        self.ranks = {pair: rank for rank, pair in enumerate(merges)}
        self.vocab = {char: index for index, char in enumerate(BYTE_TO_CHAR[b] for b in range(256))}
        for left, right in merges:
            # Two merge paths can spell the same token; it keeps its first id, so ids stay contiguous.
            self.vocab.setdefault(left + right, len(self.vocab))
        self.vocab[END_OF_TEXT] = len(self.vocab)
        self.cache = {}

    def symbols(self, word):
        """The word's pieces after every merge that applies, lowest rank first."""
        symbols = list(word)
        while len(symbols) > 1:
            pairs = [(self.ranks.get(pair, float("inf")), i) for i, pair in enumerate(zip(symbols, symbols[1:]))]
            rank, i = min(pairs)
            if rank == float("inf"):
                break
            symbols[i:i + 2] = [symbols[i] + symbols[i + 1]]
        return symbols

    def bpe(self, word):
        if word in self.cache:
            return self.cache[word]
        ids = [self.vocab[symbol] for symbol in self.symbols(word)]
        self.cache[word] = ids
        return ids

    def encode(self, text):
        return [token for word in pretokens(text) for token in self.bpe(word)]


def tokenizer_json(merges):
    """The `tokenizer.json` document for these merges (Hugging Face tokenizers format, BPE + ByteLevel)."""
    encoder = Encoder(merges)
    eot = encoder.vocab[END_OF_TEXT]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": eot, "content": END_OF_TEXT, "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": True, "special": True}],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False,
                  "vocab": encoder.vocab, "merges": [f"{left} {right}" for left, right in merges]},
    }


def save(merges, path):
    with open(path, "w", encoding="utf-8") as file:
        json.dump(tokenizer_json(merges), file, ensure_ascii=False)
