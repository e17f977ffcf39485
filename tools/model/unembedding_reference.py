"""The logit lens of a model whose lm_head is a matrix of its own (tie_word_embeddings false), and the embedding and
lm_head each precision file stores, dequantized with numpy from the file's own initializers: the references the
app's lens and its dequantization are tested against (test/model/untied-lens.test.ts). Used by open_fixtures.py.

Written from the operators' definitions, not from the app's code:
- DequantizeLinear (ONNX): (q − zero_point) · scale; quantize_dynamic's uint8 q8 writes one scale for a matrix.
- MatMulInteger + Mul (quantize_dynamic): the weight is B (uint8, [K, N]) with its zero point; the product is
  scaled by (activation scale · weight scale), the weight scale being an initializer of the Mul that makes it.
- MatMulNBits (com.microsoft): B [N, blocks, block_size · bits / 8] uint8, element k of a block in bits k·bits…,
  low bits first; scales [N · blocks]; zero points packed the same way per row (absent: 2^(bits − 1)); the weight
  W[k, n] = (q − zero) · scale for k < K (the last block padded).
- MatMulBnb4 (com.microsoft): the transposed weight [N, K] flattened, two 4-bit codes a byte (the first in the high
  nibble), each code a value of the NF4 or FP4 table times its block's absmax.
Each numpy reading is checked against onnxruntime running that one node on an identity matrix."""

import base64
import hashlib

import numpy as np
import torch

# bitsandbytes' tables, as onnxruntime's blockwise_quant_block_bnb4.h has them.
NF4 = [-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
       -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020677566528,
       0.24611230449676514, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0]
FP4 = [0.0, 0.005208333333, 0.66666667, 1.0, 0.33333333, 0.5, 0.16666667, 0.25,
       -0.0, -0.005208333333, -0.66666667, -1.0, -0.33333333, -0.5, -0.16666667, -0.25]
SAMPLE_EVERY = 97  # rows of each matrix stored in full (besides a SHA-256 of the whole)


def b64(array):
    return base64.b64encode(np.ascontiguousarray(array, dtype="<f4").tobytes()).decode("ascii")


def unb64(text, shape):
    return np.frombuffer(base64.b64decode(text), dtype="<f4").reshape(shape)


def stages(model, entry):
    """The residual stream after the embedding and after each layer, as transformers computed it (the captures)."""
    layers = model.config.num_hidden_layers
    hooks = ["blocks.0.hook_resid_pre", *[f"blocks.{layer}.hook_resid_post" for layer in range(layers)]]
    return {hook: unb64(entry["captures"][hook]["data"], entry["captures"][hook]["shape"]) for hook in hooks}


def lens_reference(model, entry):
    """transformers' own final norm (model.model.norm) and lm_head applied to each stage: logits at the entry's
    sampled ids, [positions, ids], per stage."""
    ids = entry["logit_ids"]
    result = {}
    with torch.no_grad():
        for hook, residual in stages(model, entry).items():
            logits = model.lm_head(model.model.norm(torch.from_numpy(residual.copy()))).numpy()
            result[hook] = b64(logits[:, ids])
    return result


# ---- reading the files ----------------------------------------------------------------------------------------

class Graph:
    def __init__(self, path):
        import onnx
        from onnx import numpy_helper
        self.model = onnx.load(path)
        self.graph = self.model.graph
        self.arrays = {t.name: numpy_helper.to_array(t) for t in self.graph.initializer}
        self.producer = {out: node for node in self.graph.node for out in node.output}
        self.consumers = {}
        for node in self.graph.node:
            for name in node.input:
                self.consumers.setdefault(name, []).append(node)

    def attribute(self, node, name):
        import onnx
        return next(onnx.helper.get_attribute_value(a) for a in node.attribute if a.name == name)


def constant(graph, name):
    """An initializer's values, through Cast nodes (an fp16 graph casts some constants)."""
    while name not in graph.arrays:
        name = graph.producer[name].input[0]
    return graph.arrays[name]


def embedding_matrix(graph):
    gather = next(n for n in graph.graph.node if n.op_type == "Gather" and n.input[0] in graph.arrays and graph.arrays[n.input[0]].ndim == 2)
    table = graph.arrays[gather.input[0]]
    dequantize = [n for n in graph.consumers.get(gather.output[0], []) if n.op_type == "DequantizeLinear"]
    if dequantize:
        scale = constant(graph, dequantize[0].input[1]).astype(np.float32)
        zero = constant(graph, dequantize[0].input[2]).astype(np.float32) if len(dequantize[0].input) > 2 else np.float32(0)
        return ((table.astype(np.float32) - zero) * scale).astype(np.float32), f"Gather + DequantizeLinear ({table.dtype})"
    return table.astype(np.float32), f"Gather ({table.dtype})"


def lm_head(graph):
    """The node that makes the logits: walks back from the `logits` output through Cast and Mul."""
    node = graph.producer["logits"]
    while node.op_type in ("Cast", "Mul"):
        node = next(graph.producer[i] for i in node.input if i in graph.producer and graph.producer[i].op_type in ("Cast", "MatMul", "MatMulInteger", "MatMulNBits", "MatMulBnb4"))
    return node


def unpack(packed, bits, count):
    """`count` codes of `bits` bits from each row of bytes, the first in the lowest bits."""
    mask = (1 << bits) - 1
    k = np.arange(count)
    return (packed[..., (k * bits) // 8] >> ((k * bits) % 8)) & mask


def unembedding_matrix(graph):
    """W_U as [vocab, d_model] float32, and how the file stores it."""
    node = lm_head(graph)
    if node.op_type == "MatMul":
        return constant(graph, node.input[1]).T.astype(np.float32), f"MatMul ({constant(graph, node.input[1]).dtype})"
    if node.op_type == "MatMulInteger":
        weight = graph.arrays[node.input[1]].astype(np.float32)
        zero = graph.arrays[node.input[3]].astype(np.float32) if len(node.input) > 3 else np.float32(0)
        cast = graph.consumers[node.output[0]][0]
        mul = graph.consumers[cast.output[0]][0]
        scales = graph.producer[next(i for i in mul.input if i != cast.output[0])]
        scale = next(graph.arrays[i] for i in scales.input if i in graph.arrays).astype(np.float32)
        return ((weight - zero) * scale).T.astype(np.float32), "MatMulInteger (uint8)"
    if node.op_type == "MatMulNBits":
        K, N = graph.attribute(node, "K"), graph.attribute(node, "N")
        bits, block = graph.attribute(node, "bits"), graph.attribute(node, "block_size")
        blocks = -(-K // block)
        packed = graph.arrays[node.input[1]].reshape(N, blocks, -1)
        scales = graph.arrays[node.input[2]].astype(np.float32).reshape(N, blocks)
        if len(node.input) > 3 and node.input[3]:
            zeros = unpack(graph.arrays[node.input[3]].reshape(N, -1), bits, blocks).astype(np.float32)
        else:
            zeros = np.full((N, blocks), 2 ** (bits - 1), dtype=np.float32)
        codes = unpack(packed, bits, block).astype(np.float32)  # [N, blocks, block]
        weight = ((codes - zeros[..., None]) * scales[..., None]).reshape(N, blocks * block)[:, :K]
        return weight.astype(np.float32), f"MatMulNBits ({bits}-bit, blocks of {block}, {graph.arrays[node.input[2]].dtype} scales)"
    if node.op_type == "MatMulBnb4":
        K, N = graph.attribute(node, "K"), graph.attribute(node, "N")
        block, kind = graph.attribute(node, "block_size"), graph.attribute(node, "quant_type")
        packed = graph.arrays[node.input[1]]
        codes = np.stack([packed >> 4, packed & 15], axis=1).reshape(-1)[:N * K]
        absmax = graph.arrays[node.input[2]].astype(np.float32)
        table = np.array(NF4 if kind == 1 else FP4, dtype=np.float32)
        weight = table[codes] * absmax[np.arange(N * K) // block]
        return weight.reshape(N, K).astype(np.float32), f"MatMulBnb4 ({'NF4' if kind == 1 else 'FP4'}, blocks of {block})"
    raise ValueError(f"no lm_head reading for {node.op_type}")


def check_with_onnxruntime(graph, weight):
    """onnxruntime runs the lm_head node alone on the identity matrix (float32 activations, float16 scales read
    as float32), which gives its weight back: it must be numpy's reading, exactly."""
    import onnx
    import onnxruntime
    from onnx import TensorProto, helper, numpy_helper
    node = onnx.NodeProto()
    node.CopyFrom(lm_head(graph))
    if node.op_type not in ("MatMulNBits", "MatMulBnb4"):
        return None
    K = graph.attribute(node, "K")
    inputs = []
    for name in node.input[1:]:
        value = graph.arrays[name] if name in graph.arrays else constant(graph, name)
        inputs.append(numpy_helper.from_array(value.astype(np.float32) if value.dtype == np.float16 else value, name))
    node.input[0], node.output[0] = "x", "y"
    del node.output[1:]
    single = helper.make_model(
        helper.make_graph([node], "lm_head", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [K, K])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inputs),
        opset_imports=[helper.make_opsetid("", 18), helper.make_opsetid("com.microsoft", 1)], ir_version=graph.model.ir_version)
    session = onnxruntime.InferenceSession(single.SerializeToString(), providers=["CPUExecutionProvider"])
    product = session.run(["y"], {"x": np.eye(K, dtype=np.float32)})[0]
    difference = float(np.abs(product.T - weight).max())
    assert difference == 0, f"{node.op_type}: numpy's dequantization differs from onnxruntime's by {difference}"
    return difference


def digest(matrix):
    rows = list(range(0, matrix.shape[0], SAMPLE_EVERY))
    return {"sha256": hashlib.sha256(np.ascontiguousarray(matrix, dtype="<f4").tobytes()).hexdigest(),
            "rows": rows, "values": b64(matrix[rows])}


def rms_norm(x, weight, epsilon):
    x = x.astype(np.float64)
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + epsilon) * weight.astype(np.float64)


def weights_reference(folder, model, entry, files):
    """Per file: its embedding and lm_head dequantized (SHA-256 of the float32 [vocab, d_model] matrix, and every
    97th row), and the lens with them (the file's final norm weight, its lm_head) on transformers' residual
    stream of the first prompt, at the sampled ids."""
    import os
    result = {}
    for file in files:
        graph = Graph(os.path.join(folder, "onnx", file))
        embedding, stored_as = embedding_matrix(graph)
        unembedding, head_as = unembedding_matrix(graph)
        checked = check_with_onnxruntime(graph, unembedding)
        norm_weight = graph.arrays["model.norm.weight"]  # initializers keep transformers' names
        if file == "model.onnx":
            assert np.array_equal(unembedding, model.lm_head.weight.detach().numpy()), "fp32 lm_head ≠ transformers'"
            assert np.array_equal(embedding, model.model.embed_tokens.weight.detach().numpy()), "fp32 embedding ≠ transformers'"
        lens = {hook: b64((rms_norm(residual, norm_weight, model.config.rms_norm_eps) @ unembedding.T.astype(np.float64))[:, entry["logit_ids"]])
                for hook, residual in stages(model, entry).items()}
        exact = lambda matrix: np.abs(matrix - (model.lm_head.weight if matrix is unembedding else model.model.embed_tokens.weight).detach().numpy()).max()
        print(f"{file}: embedding {stored_as} (max |Δ| from fp32 {exact(embedding):.3g}), lm_head {head_as} (max |Δ| from fp32 "
              f"{exact(unembedding):.3g}{'' if checked is None else ', = onnxruntime on the identity'}), norm weight {norm_weight.dtype}")
        result[f"onnx/{file}"] = {"embedding": digest(embedding), "unembedding": digest(unembedding), "lens": lens,
                                  "stored_as": {"embedding": stored_as, "lm_head": head_as}}
    return result
