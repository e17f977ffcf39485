"""An embedded model (public/models/flow-*-tiny) as Hugging Face transformers' own class, with the weights read
from its shipped ONNX graph: the reference scripts compute with transformers' modules, not with this project's
training code. The graph's tensor names are transformers' (the exporter kept the module paths); GPT-2's projections
are torch Linear layers there ([out, in]) and transformers' Conv1D ([in, out]), so those are transposed."""

import json
import os

import onnx
import torch
from onnx import numpy_helper
from transformers import GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GRAPH = os.path.join("onnx", "decoder_model_merged.onnx")


def folder_of(name):
    return os.path.join(ROOT, "public", "models", name)


def load(name):
    """(model, model class, tokenizer): eager attention, evaluation mode."""
    from tokenizers import Tokenizer

    folder = folder_of(name)
    with open(os.path.join(folder, "config.json")) as file:
        raw = json.load(file)
    gpt2 = raw["model_type"] == "gpt2"
    config_class, model_class = (GPT2Config, GPT2LMHeadModel) if gpt2 else (LlamaConfig, LlamaForCausalLM)
    config = config_class(**{k: v for k, v in raw.items() if k not in ("architectures", "model_type", "torch_dtype")})
    config._attn_implementation = "eager"
    model = model_class(config).eval()
    graph = onnx.load(os.path.join(folder, GRAPH))
    weights = {init.name: torch.from_numpy(numpy_helper.to_array(init).copy()) for init in graph.graph.initializer}
    state = {}
    for key, tensor in model.state_dict().items():
        if key == "lm_head.weight" or key.endswith(".attn.bias") or key.endswith(".attn.masked_bias"):
            continue  # tied to the embedding; GPT-2's causal-mask buffers
        source = weights[key]
        if gpt2 and key.endswith(".weight") and source.dim() == 2 and key.split(".")[-2] in ("c_attn", "c_proj", "c_fc"):
            source = source.t().contiguous()
        if tuple(source.shape) != tuple(tensor.shape):
            raise SystemExit(f"{name} {key}: {tuple(source.shape)} in the graph, {tuple(tensor.shape)} in transformers")
        state[key] = source
    missing = model.load_state_dict(state, strict=False).missing_keys
    if any(key != "lm_head.weight" and not key.endswith(".attn.bias") for key in missing):
        raise SystemExit(f"{name}: not in the graph: {missing}")
    model.tie_weights()
    return model, model_class, Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
