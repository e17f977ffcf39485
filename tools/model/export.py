"""Exports the trained model to public/models/<name>/ in the Hugging Face repository layout.

Writes onnx/decoder_model_merged.onnx (the KV-cache graph, under the name @xenova/transformers loads with
{quantized: false}; an empty past serves the prompt), config.json, generation_config.json, tokenizer.json,
tokenizer_config.json, the model card README.md, and test/fixtures/<name>.reference.json: PyTorch's logits for a few
prompts, which tools/model/verify.mjs compares with the ONNX graphs (max abs difference < 1e-4).

With --optimum-fixture it writes a small random GPT-2 in Optimum's two-graph Hub layout to test/fixtures/hub/.
With --benchmark-model it instead writes a randomly initialised model with GPT-2 small's exact shapes (124M
parameters) to models-bench/gpt2-small-random/ (ignored by git): speed does not depend on the weights' values.
"""

import argparse
import json
import os
import shutil

import torch

import bpe
import card
import quality
from model import GPT2LMHeadModel, GPTConfig
from model_llama import LlamaConfig, LlamaForCausalLM

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
NAME = "flow-gpt2-tiny"
REFERENCE_PROMPTS = ["Once upon a time", "从前，小明", "Lily had a red ball. She", "Hello 世界 🙂 <b>x</b>"]
OPSET = 17


# torch 2.x exports with its new dynamo exporter by default; the TorchScript one keeps the module-path node names
# (`/transformer/h.0/attn/Softmax`) that the app's probe reads. torch 1.13 has no such argument.
LEGACY_EXPORTER = {"dynamo": False} if int(torch.__version__.split(".")[0]) >= 2 else {}


def export_graphs(model, folder, full_graph=True):
    """The KV-cache graph and (unless `full_graph` is off) the plain input_ids → logits graph, with torch's
    module-path tensor names kept (no constant folding, which would also untie the embedding and store it twice).
    The embedded models ship only the KV-cache graph: it takes an empty past for the prompt, and one copy of the
    weights keeps a 3M-parameter model within the 16 MB folder budget."""
    config = model.config
    llama = isinstance(config, LlamaConfig)
    onnx_folder = os.path.join(folder, "onnx")
    os.makedirs(onnx_folder, exist_ok=True)
    example = torch.tensor([[1, 2, 3, 4]], dtype=torch.long)
    if full_graph:
        torch.onnx.export(
            model, (example,), os.path.join(onnx_folder, "model.onnx"), input_names=["input_ids"],
            output_names=["logits"], dynamic_axes={"input_ids": {0: "batch_size", 1: "sequence_length"},
                                                   "logits": {0: "batch_size", 1: "sequence_length"}},
            opset_version=OPSET, do_constant_folding=False, **LEGACY_EXPORTER)

    layers = config.num_hidden_layers if llama else config.n_layer
    kv_heads = config.num_key_value_heads if llama else config.n_head
    head_size = config.hidden_size // config.num_attention_heads if llama else config.n_embd // config.n_head
    past_length = 3
    past = [(torch.zeros(1, kv_heads, past_length, head_size), torch.zeros(1, kv_heads, past_length, head_size))
            for _ in range(layers)]
    mask = torch.ones(1, past_length + example.size(1), dtype=torch.long)
    past_names = [f"past_key_values.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]
    present_names = [f"present.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]
    axes = {"input_ids": {0: "batch_size", 1: "sequence_length"},
            "attention_mask": {0: "batch_size", 1: "past_sequence_length + sequence_length"},
            "logits": {0: "batch_size", 1: "sequence_length"}}
    axes.update({name: {0: "batch_size", 2: "past_sequence_length"} for name in past_names})
    axes.update({name: {0: "batch_size", 2: "past_sequence_length + sequence_length"} for name in present_names})
    inputs, names = (example, mask, past), ["input_ids", "attention_mask"]
    if llama:  # Hub Llama exports take position_ids; transformers.js feeds them when the graph has them
        positions = torch.arange(past_length, past_length + example.size(1)).unsqueeze(0)
        inputs, names = (example, mask, positions, past), ["input_ids", "attention_mask", "position_ids"]
        axes["position_ids"] = {0: "batch_size", 1: "sequence_length"}
    torch.onnx.export(
        model, inputs, os.path.join(onnx_folder, "decoder_model_merged.onnx"),
        input_names=names + past_names, output_names=["logits"] + present_names,
        dynamic_axes=axes, opset_version=OPSET, do_constant_folding=False, **LEGACY_EXPORTER)


def hf_llama_config(config, eos_token_id):
    return {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": config.vocab_size,
        "max_position_embeddings": config.max_position_embeddings, "hidden_size": config.hidden_size,
        "intermediate_size": config.intermediate_size, "num_hidden_layers": config.num_hidden_layers,
        "num_attention_heads": config.num_attention_heads, "num_key_value_heads": config.num_key_value_heads,
        "head_dim": config.hidden_size // config.num_attention_heads, "hidden_act": "silu",
        "rms_norm_eps": config.rms_norm_eps, "rope_theta": config.rope_theta, "rope_scaling": None,
        "attention_bias": False, "mlp_bias": False, "bos_token_id": eos_token_id, "eos_token_id": eos_token_id,
        "tie_word_embeddings": True, "use_cache": True, "torch_dtype": "float32",
    }


def hf_config(config, eos_token_id):
    return {
        "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": config.vocab_size,
        "n_positions": config.n_positions, "n_ctx": config.n_positions, "n_embd": config.n_embd,
        "n_layer": config.n_layer, "n_head": config.n_head, "n_inner": None, "activation_function": "gelu_new",
        "layer_norm_epsilon": config.layer_norm_epsilon, "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0,
        "initializer_range": 0.02, "bos_token_id": eos_token_id, "eos_token_id": eos_token_id,
        "tie_word_embeddings": True, "use_cache": True, "torch_dtype": "float32",
    }


@torch.no_grad()
def reference(model, encoder, path, name, prompts=REFERENCE_PROMPTS):
    """PyTorch's logits for the reference prompts: the ground truth for verify.mjs and the engine tests."""
    entries = []
    for prompt in prompts:
        ids = encoder.encode(prompt)
        logits = model(torch.tensor([ids]))[0]
        entries.append({"prompt": prompt, "input_ids": ids, "shape": list(logits.shape),
                        "logits": [round(v, 5) for v in logits.flatten().tolist()]})
    with open(path, "w") as file:
        json.dump({"model": name, "source": "PyTorch, tools/model/export.py", "prompts": entries}, file)


def shape_of(config):
    """The sizes the model card and the exports need, for either architecture."""
    if isinstance(config, LlamaConfig):
        return {"architecture": "Llama (`LlamaForCausalLM` names): token embedding only (positions by rotary embeddings, RoPE, inside attention), pre-RMSNorm blocks, grouped-query causal attention, SwiGLU MLP, unembedding tied to the token embedding",
                "layers": config.num_hidden_layers, "heads": config.num_attention_heads,
                "kv_heads": config.num_key_value_heads, "d_model": config.hidden_size,
                "d_mlp": config.intermediate_size, "context": config.max_position_embeddings}
    return {"architecture": "GPT-2 (`GPT2LMHeadModel` names): learned token and position embeddings, pre-LayerNorm blocks, causal multi-head attention, GELU (tanh) MLP, unembedding tied to the token embedding",
            "layers": config.n_layer, "heads": config.n_head, "kv_heads": config.n_head, "d_model": config.n_embd,
            "d_mlp": 4 * config.n_embd, "context": config.n_positions}


def export_embedded(arch, out=None, name=None):
    """`name`: a model of its own made from the base model's build (an induction build shipped beside the base
    model); its base training record and tokenizer are the base model's."""
    llama = arch == "llama"
    base = "flow-llama-tiny" if llama else NAME
    name = name or base
    base_build = os.path.join(HERE, "build-llama" if llama else "build")
    build = os.environ.get("MODEL_BUILD", base_build)
    folder = out or os.path.join(ROOT, "public", "models", name)
    # (An induction build has no training.json: the base training's, from its build or else the committed record.)
    training = json.loads(read_first(os.path.join(build, "training.json"), os.path.join(base_build, "training.json"), record_path(base)))
    # A build of induction.py: the base training's record, the further training's (induction.json), its weights.
    induction_path = os.path.join(build, "induction.json")
    induction = json.loads(read_first(induction_path)) if os.path.exists(induction_path) else None
    if induction and name == base:
        # (The base model ships as trained on the corpus: an induction build is a model of its own beside it.)
        raise SystemExit(f"{build} is an induction build: export it under a name of its own (--name), not over {base}")
    config = LlamaConfig(**training["config"]) if llama else GPTConfig(**training["config"])
    model = LlamaForCausalLM(config) if llama else GPT2LMHeadModel(config)
    shape = shape_of(config)
    weights = induction["weights"] if induction else training.get("shipped_weights", "model.pt")
    model.load_state_dict(torch.load(os.path.join(build, weights)))
    model.eval()
    # Read before the folder is emptied: a build that did not train the tokenizer takes the shipped one.
    tokenizer_text = read_first(os.path.join(build, "tokenizer.json"), os.path.join(ROOT, "public", "models", base, "tokenizer.json"))

    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    with open(os.path.join(folder, "tokenizer.json"), "w", encoding="utf-8") as file:
        file.write(tokenizer_text)
    merges = [tuple(merge.split(" ")) for merge in json.loads(tokenizer_text)["model"]["merges"]]
    encoder = bpe.Encoder(merges)
    eos = encoder.vocab[bpe.END_OF_TEXT]
    write_json(os.path.join(folder, "config.json"), (hf_llama_config if llama else hf_config)(config, eos))
    write_json(os.path.join(folder, "generation_config.json"),
               {"bos_token_id": eos, "eos_token_id": eos, "max_length": shape["context"]})
    write_json(os.path.join(folder, "tokenizer_config.json"), {
        "tokenizer_class": "GPT2Tokenizer", "model_max_length": shape["context"], "bos_token": bpe.END_OF_TEXT,
        "eos_token": bpe.END_OF_TEXT, "unk_token": bpe.END_OF_TEXT, "add_prefix_space": False,
        "clean_up_tokenization_spaces": False})
    export_graphs(model, folder, full_graph=False)
    os.makedirs(os.path.join(ROOT, "test", "fixtures"), exist_ok=True)
    if out is None:
        # (A model trained further from a shipped one checks its own weights on one short prompt: the fixtures'
        # budget; its code path is the base model's.)
        reference(model, encoder, os.path.join(ROOT, "test", "fixtures", f"{name}.reference.json"), name,
                  REFERENCE_PROMPTS if name == base else ["从前，小明"])
    figures = quality.evaluate(folder)
    with open(os.path.join(build, "quality.json"), "w", encoding="utf-8") as file:
        json.dump(figures, file, ensure_ascii=False, indent=1)
    card.write(model, encoder, training, os.path.join(folder, "README.md"), name, shape, figures, llama, induction, base)
    size = sum(os.path.getsize(os.path.join(root, f)) for root, _, files in os.walk(folder) for f in files)
    print(f"exported {folder}: {size / 1e6:.1f} MB")
    if size > 16e6:
        raise SystemExit(f"{folder} is {size / 1e6:.1f} MB, over the 16 MB budget")


def export_benchmark_model():
    """GPT-2 small's shapes (124M parameters), random weights, GPT-2's vocabulary size; not for reading."""
    torch.manual_seed(0)
    config = GPTConfig(vocab_size=50257, n_positions=1024, n_embd=768, n_layer=12, n_head=12)
    model = GPT2LMHeadModel(config).eval()
    folder = os.path.join(ROOT, "models-bench", "gpt2-small-random")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    write_json(os.path.join(folder, "config.json"), hf_config(config, 50256))
    write_benchmark_tokenizer(folder, config.vocab_size)
    export_graphs(model, folder)
    print(f"exported {folder}: {sum(p.numel() for p in model.parameters())} parameters")


class PromptDecoder(torch.nn.Module):
    """GPT-2 with no past inputs that still returns the presents, as Optimum's decoder_model.onnx does. It holds
    the model's own submodules under the same attribute names, so the node names are the same."""

    def __init__(self, model):
        super().__init__()
        self.transformer, self.lm_head = model.transformer, model.lm_head

    def forward(self, input_ids, attention_mask):
        x, presents = self.transformer(input_ids, attention_mask, None)
        return self.lm_head(x), presents


def export_optimum_fixture():
    """A small random GPT-2 in the layout Optimum gives the transformers.js-ready Hub repositories:
    onnx/decoder_model.onnx (no past inputs, presents out) and onnx/decoder_with_past_model.onnx, at opset 14,
    where LayerNorm is decomposed into ReduceMean/Sub/Pow/Sqrt/Div/Mul/Add. Test data for the Hub loader
    (test/fixtures/hub/, ~1 MB): its weights are random, so only the mechanics are tested with it."""
    torch.manual_seed(0)
    config = GPTConfig(vocab_size=4096, n_positions=128, n_embd=32, n_layer=2, n_head=4)
    model = GPT2LMHeadModel(config).eval()
    folder = os.path.join(ROOT, "test", "fixtures", "hub", "optimum-gpt2-tiny")
    embedded = os.path.join(ROOT, "public", "models", NAME)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(os.path.join(folder, "onnx"))
    for file in ["tokenizer.json", "tokenizer_config.json", "generation_config.json"]:
        shutil.copy(os.path.join(embedded, file), os.path.join(folder, file))
    write_json(os.path.join(folder, "config.json"), hf_config(config, 4095))
    layers, heads, head_size = config.n_layer, config.n_head, config.n_embd // config.n_head
    present_names = [f"present.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]
    past_names = [f"past_key_values.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]
    example = torch.tensor([[1, 2, 3, 4]], dtype=torch.long)
    axes = {"input_ids": {0: "batch_size", 1: "sequence_length"}, "logits": {0: "batch_size", 1: "sequence_length"},
            "attention_mask": {0: "batch_size", 1: "past_sequence_length + sequence_length"}}
    axes.update({name: {0: "batch_size", 2: "past_sequence_length + sequence_length"} for name in present_names})
    torch.onnx.export(
        PromptDecoder(model), (example, torch.ones(1, 4, dtype=torch.long)),
        os.path.join(folder, "onnx", "decoder_model.onnx"), input_names=["input_ids", "attention_mask"],
        output_names=["logits"] + present_names, dynamic_axes=axes, opset_version=14, do_constant_folding=False, **LEGACY_EXPORTER)
    past = [(torch.zeros(1, heads, 3, head_size), torch.zeros(1, heads, 3, head_size)) for _ in range(layers)]
    axes.update({name: {0: "batch_size", 2: "past_sequence_length"} for name in past_names})
    torch.onnx.export(
        model, (example[:, :1], torch.ones(1, 4, dtype=torch.long), past),
        os.path.join(folder, "onnx", "decoder_with_past_model.onnx"),
        input_names=["input_ids", "attention_mask"] + past_names, output_names=["logits"] + present_names,
        dynamic_axes=axes, opset_version=14, do_constant_folding=False, **LEGACY_EXPORTER)
    print(f"exported {folder}")


def write_benchmark_tokenizer(folder, vocab_size):
    """The embedded tokenizer widened to GPT-2's 50,257 ids (placeholder tokens past our 4,096, the last one
    <|endoftext|> as in GPT-2), so the app and transformers.js can run the benchmark model on real prompts."""
    embedded = os.path.join(ROOT, "public", "models", NAME)
    with open(os.path.join(embedded, "tokenizer.json"), encoding="utf-8") as file:
        tokenizer = json.load(file)
    vocab = tokenizer["model"]["vocab"]
    for token in tokenizer.get("added_tokens", []):
        vocab.pop(token["content"], None)
    for index in range(len(vocab), vocab_size - 1):
        vocab[f"<|unused_{index}|>"] = index
    vocab[bpe.END_OF_TEXT] = vocab_size - 1
    for token in tokenizer.get("added_tokens", []):
        token["id"] = vocab_size - 1
    write_json(os.path.join(folder, "tokenizer.json"), tokenizer)
    shutil.copy(os.path.join(embedded, "tokenizer_config.json"), os.path.join(folder, "tokenizer_config.json"))
    write_json(os.path.join(folder, "generation_config.json"), {"bos_token_id": vocab_size - 1, "eos_token_id": vocab_size - 1})


def record_path(name):
    """The committed record of an embedded model's base training (tools/model/records/): what its card quotes when
    the build folder that trained it is not on this machine."""
    return os.path.join(HERE, "records", f"{name}.training.json")


def read_first(*paths):
    """The text of the first of `paths` that exists."""
    for path in paths:
        if os.path.exists(path):
            with open(path, encoding="utf-8") as file:
                return file.read()
    raise SystemExit(f"none of {', '.join(paths)} exists")


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as file:
        json.dump(value, file, ensure_ascii=False, indent=2)
        file.write("\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--benchmark-model", action="store_true")
    parser.add_argument("--optimum-fixture", action="store_true")
    parser.add_argument("--benchmark-tokenizer", action="store_true")
    parser.add_argument("--arch", choices=["gpt2", "llama"], default="gpt2")
    parser.add_argument("--out", help="another folder to export to (a trial), instead of public/models/<name>")
    parser.add_argument("--name", help="the exported model's name (public/models/<name>), if not the base model's")
    arguments = parser.parse_args()
    if arguments.benchmark_model:
        export_benchmark_model()
    elif arguments.benchmark_tokenizer:  # for a models-bench/ folder exported before the tokenizer was added
        write_benchmark_tokenizer(os.path.join(ROOT, "models-bench", "gpt2-small-random"), 50257)
    elif arguments.optimum_fixture:
        export_optimum_fixture()
    else:
        export_embedded(arguments.arch, arguments.out, arguments.name)
