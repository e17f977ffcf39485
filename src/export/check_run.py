# %% [markdown]
# {{md.title}}
#
# {{md.intro}}

# %%
# {{c.settings}}
import json
import math
import os
import posixpath
import sys
import urllib.error
import urllib.request

import numpy as np
import torch

TRACE_FILE = {{TRACE_FILE}}
MODEL_NAME = {{MODEL_NAME}}
# {{c.filesUrl}}
FILES_URL = {{FILES_URL}}
GRAPH_FILES = {{GRAPH_FILES}}
# {{c.modelDir}}
MODEL_DIR = None
PRECISION = {{PRECISION}}
# {{c.tolerance}}
TOLERANCE = {{TOLERANCE}}
MESSAGES = {{MESSAGES}}

NOTEBOOK = "ipykernel" in sys.modules
# {{c.here}}
HERE = os.getcwd() if NOTEBOOK or "__file__" not in globals() else os.path.dirname(os.path.abspath(__file__))
TRACE_FILE = os.path.join(HERE, TRACE_FILE)
if not NOTEBOOK:
    import argparse

    parser = argparse.ArgumentParser(description=MESSAGES["usage"])
    parser.add_argument("trace", nargs="?", default=TRACE_FILE)
    parser.add_argument("--model-dir", default=MODEL_DIR)
    arguments = parser.parse_args()
    TRACE_FILE, MODEL_DIR = arguments.trace, arguments.model_dir


def say(key, **values):
    print(MESSAGES[key].format(**values))


# %%
# {{c.trace}}
if not os.path.exists(TRACE_FILE):
    say("noTrace", file=TRACE_FILE)
    sys.exit(2)
with open(TRACE_FILE, encoding="utf-8") as file:
    trace = json.load(file)
config_of_run = trace["model"]
architecture = config_of_run["architecture"]
positions = trace["computedPositions"]
ids = [token["id"] for token in trace["tokens"][:positions]]
say("traceRead", model=config_of_run["name"], positions=positions, captures=len(trace["captures"]))


# %%
# {{c.files}}
def download(name, target):
    url = FILES_URL + "/" + name
    say("downloading", file=url)
    request = urllib.request.Request(url, headers={"User-Agent": "transformer-flow-check"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response, open(target + ".part", "wb") as out:
            while True:
                chunk = response.read(1 << 20)
                if not chunk:
                    break
                out.write(chunk)
    except (urllib.error.URLError, OSError) as error:
        say("downloadFailed", file=url, reason=str(error))
        sys.exit(2)
    os.replace(target + ".part", target)


def model_folder():
    if MODEL_DIR:
        return MODEL_DIR
    if FILES_URL is None:
        say("needFolder")
        sys.exit(2)
    folder = os.path.join(HERE, "transformer-flow-models", MODEL_NAME.replace("/", "_"))
    # {{c.firstGraph}}
    wanted = ["config.json", GRAPH_FILES[0]]
    while wanted:
        name = wanted.pop(0)
        target = os.path.join(folder, *name.split("/"))
        if not os.path.exists(target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            download(name, target)
        if name.endswith(".onnx"):
            # {{c.externalData}}
            import onnx

            graph = onnx.load(target, load_external_data=False)
            for tensor in graph.graph.initializer:
                for entry in tensor.external_data:
                    extra = posixpath.join(posixpath.dirname(name), entry.value) if entry.key == "location" else None
                    if extra and extra not in wanted and not os.path.exists(os.path.join(folder, *extra.split("/"))):
                        wanted.append(extra)
    return folder


folder = model_folder()


# %%
# {{c.weights}}
def onnx_weights(path):
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(path).graph
    values = {tensor.name: numpy_helper.to_array(tensor) for tensor in graph.initializer}
    uses = {}

    def walk(nodes):
        for node in nodes:
            for attribute in node.attribute:
                if attribute.g is not None and len(attribute.g.node):
                    walk(attribute.g.node)
                for sub in attribute.graphs:
                    walk(sub.node)
            for slot, name in enumerate(node.input):
                if name in values:
                    uses.setdefault(name, []).append((node, slot))

    walk(graph.node)

    def module_of(node):
        # {{c.nodeNames}}
        parts = node.name.strip("/").split("/")
        return ".".join(parts[:-1]) if len(parts) > 1 else None

    def attribute(node, key, default=None):
        for item in node.attribute:
            if item.name == key:
                return onnx.helper.get_attribute_value(item)
        return default

    found = []
    for name, value in values.items():
        if value.dtype.kind == "f" and value.ndim == 1:
            # {{c.named}}
            found.append((name, "rows", value.astype(np.float32)))
        for node, slot in uses.get(name, []):
            module = module_of(node)
            if not module:
                continue
            if node.op_type == "MatMulInteger" and slot == 1 and name.endswith("_quantized"):
                base = name[: -len("_quantized")]
                scale = values[base + "_scale"].astype(np.float32)
                zero = values.get(base + "_zero_point", np.zeros((), np.uint8)).astype(np.float32)
                found.append((module + ".weight", "in-out", (value.astype(np.float32) - zero) * scale))
            elif node.op_type == "MatMulNBits" and slot == 1 and attribute(node, "bits", 4) == 4:
                n, k, block = attribute(node, "N"), attribute(node, "K"), attribute(node, "block_size")
                blocks = value.shape[1]
                nibbles = np.stack([value & 0x0F, value >> 4], axis=-1).reshape(n, blocks, block).astype(np.float32)
                scales = values[node.input[2]].astype(np.float32).reshape(n, blocks, 1)
                zero = np.full((n, blocks, 1), 8, np.float32)
                if len(node.input) > 3 and node.input[3] in values:
                    packed = values[node.input[3]].reshape(n, -1)
                    zero = np.stack([packed & 0x0F, packed >> 4], axis=-1).reshape(n, -1)[:, :blocks, None].astype(np.float32)
                found.append((module + ".weight", "out-in", ((nibbles - zero) * scales).reshape(n, blocks * block)[:, :k]))
            elif node.op_type == "Gather" and slot == 0:
                if name.endswith("_quantized"):
                    base = name[: -len("_quantized")]
                    value = (value.astype(np.float32) - values[base + "_zero_point"].astype(np.float32)) * values[base + "_scale"].astype(np.float32)
                found.append((module + ".weight", "rows", value.astype(np.float32)))
            elif value.dtype.kind == "f" and value.ndim == 2 and node.op_type in ("MatMul", "Gemm", "Transpose"):
                transposed = node.op_type == "Transpose" or (node.op_type == "Gemm" and attribute(node, "transB", 0))
                found.append((module + ".weight", "out-in" if transposed else "in-out", value.astype(np.float32)))
            elif value.dtype.kind == "f" and value.ndim == 1 and node.op_type == "Add":
                found.append((module + ".bias", "rows", value.astype(np.float32)))
    return found


def load_model():
    from transformers import AutoConfig, AutoModelForCausalLM
    from transformers.pytorch_utils import Conv1D

    config = AutoConfig.from_pretrained(folder)
    found = onnx_weights(os.path.join(folder, *GRAPH_FILES[0].split("/")))
    own_head = any(key == "lm_head.weight" for key, _, _ in found)
    if own_head:
        # {{c.ownHead}}
        config.tie_word_embeddings = False
    model = AutoModelForCausalLM.from_config(config, attn_implementation="eager").float().eval()
    modules = dict(model.named_modules())
    state = model.state_dict()
    loaded = set()
    for key, layout, value in found:
        if key not in state or key in loaded:
            continue
        module = modules.get(key.rsplit(".", 1)[0])
        if layout != "rows":
            matrix = value if layout == "in-out" else value.T
            value = matrix if isinstance(module, Conv1D) else matrix.T
        if tuple(value.shape) != tuple(state[key].shape):
            continue
        state[key] = torch.from_numpy(np.ascontiguousarray(value))
        loaded.add(key)
    if not own_head and config.tie_word_embeddings and "lm_head.weight" in state:
        embedding = "transformer.wte.weight" if "transformer.wte.weight" in state else "model.embed_tokens.weight"
        state["lm_head.weight"] = state[embedding]
        loaded.add("lm_head.weight")
    parameters = {name for name, _ in model.named_parameters()} | ({"lm_head.weight"} if "lm_head.weight" in state else set())
    missing = sorted(parameters - loaded)
    if missing:
        say("missingWeights", names=", ".join(missing[:8]), count=len(missing))
        sys.exit(2)
    model.load_state_dict(state)
    return model


model = load_model()
say("modelLoaded", model=MODEL_NAME, architecture=architecture, precision=PRECISION)


# %%
# {{c.intervention}}
def intervention_feeds():
    n_layer, n_head, d_head, d_model = (config_of_run[key] for key in ("nLayer", "nHead", "dHead", "dModel"))
    head_scale = np.ones((n_layer, n_head), np.float32)
    head_offset = {}
    mlp_scale = np.ones(n_layer, np.float32)
    mlp_offset = {}
    switched = trace.get("intervention") or {}
    for key in switched.get("heads", []):
        layer, head = map(int, key.split("."))
        head_scale[layer, head] = 0
        if key in (switched.get("means") or {}):
            head_offset[(layer, head)] = np.asarray(switched["means"][key], np.float32).reshape(1, d_head)
    for layer in switched.get("mlps", []):
        mlp_scale[layer] = 0
    patch = switched.get("patch")
    if patch:
        rows = patch["positions"]
        for key, values in (patch.get("heads") or {}).items():
            layer, head = map(int, key.split("."))
            head_scale[layer, head] = 0
            head_offset[(layer, head)] = np.asarray(values, np.float32).reshape(rows, d_head)
        for key, values in (patch.get("mlpAdd") or {}).items():
            added = np.asarray(values, np.float32).reshape(rows, d_model)
            mlp_offset[int(key)] = mlp_offset.get(int(key), 0) + added
        for key, values in (patch.get("mlpOut") or {}).items():
            mlp_scale[int(key)] = 0
            mlp_offset[int(key)] = np.asarray(values, np.float32).reshape(rows, d_model)
    return head_scale, head_offset, mlp_scale, mlp_offset


head_scale, head_offset, mlp_scale, mlp_offset = intervention_feeds()
def described(change):
    # {{c.counted}}
    parts = []
    for key in change.get("heads", []):
        layer, head = map(int, key.split("."))
        parts.append(f"L{layer + 1}H{head + 1}" + (" " + MESSAGES["byMean"] if key in (change.get("means") or {}) else ""))
    parts += [f"L{layer + 1} MLP" for layer in change.get("mlps", [])]
    patch = change.get("patch")
    if patch:
        cell = patch["cell"]
        where = f"L{cell['layer'] + 1}" + (f" P{cell['index'] + 1}" if cell["grid"] == "resid" else f"H{cell['index'] + 1}" if cell["grid"] == "head" else "")
        parts.append(MESSAGES["patchedCell"].format(grid=cell["grid"], where=where))
    return ", ".join(parts)


if trace.get("intervention"):
    say("intervention", what=described(trace["intervention"]))


# %%
# {{c.hooks}}
def recompute():
    captured = {}
    handles = []
    n_head, n_kv, d_head = config_of_run["nHead"], config_of_run["nKvHead"], config_of_run["dHead"]
    gpt2 = architecture == "gpt2"
    base = model.transformer if gpt2 else model.model
    blocks = base.h if gpt2 else base.layers

    def keep(name, tensor):
        captured[name] = tensor.detach()[0].float()

    def output_hook(name):
        def hook(module, args, output):
            keep(name, output[0] if isinstance(output, tuple) else output)
        return hook

    def input_hook(name):
        def hook(module, args, kwargs):
            keep(name, args[0] if args else kwargs["hidden_states"])
        return hook

    def on_output(module, name):
        handles.append(module.register_forward_hook(output_hook(name)))

    def on_input(module, name):
        handles.append(module.register_forward_pre_hook(input_hook(name), with_kwargs=True))

    on_output(base.wte if gpt2 else base.embed_tokens, "hook_embed")
    if gpt2:
        on_output(base.wpe, "hook_pos_embed")
    else:
        def rotary(module, args, output):
            captured["rotary"] = (output[0].detach()[0].float(), output[1].detach()[0].float())
        handles.append(base.rotary_emb.register_forward_hook(rotary))
    for layer, block in enumerate(blocks):
        at = f"blocks.{layer}."
        attention = block.attn if gpt2 else block.self_attn
        on_input(block, at + "hook_resid_pre")
        on_output(block.ln_1 if gpt2 else block.input_layernorm, at + "ln1.hook_normalized")
        if gpt2:
            on_output(attention.c_attn, at + "attn.qkv")
        else:
            on_output(attention.q_proj, at + "attn.hook_q")
            on_output(attention.k_proj, at + "attn.hook_k")
            on_output(attention.v_proj, at + "attn.hook_v")
            if hasattr(attention, "q_norm"):
                on_output(attention.q_norm, at + "attn.q_norm.hook_normalized")
                on_output(attention.k_norm, at + "attn.k_norm.hook_normalized")
        projection = attention.c_proj if gpt2 else attention.o_proj

        # {{c.z}}
        def replace_z(module, args, layer=layer, at=at):
            z = args[0].reshape(args[0].shape[0], args[0].shape[1], n_head, d_head)
            scale = torch.from_numpy(head_scale[layer]).reshape(1, 1, n_head, 1)
            offset = torch.zeros_like(z)
            for (offset_layer, head), rows in head_offset.items():
                if offset_layer == layer:
                    offset[0, :, head, :] = torch.from_numpy(rows)
            z = z * scale + offset
            keep(at + "attn.hook_z", z)
            return (z.reshape(args[0].shape),) + tuple(args[1:])

        handles.append(projection.register_forward_pre_hook(replace_z))
        on_output(projection, at + "hook_attn_out")
        ln2 = block.ln_2 if gpt2 else block.post_attention_layernorm
        on_input(ln2, at + "hook_resid_mid")
        on_output(ln2, at + "ln2.hook_normalized")
        on_output(block.mlp.c_fc if gpt2 else block.mlp.gate_proj, at + "mlp.hook_pre")
        if not gpt2:
            on_output(block.mlp.up_proj, at + "mlp.hook_pre_linear")
        on_input(block.mlp.c_proj if gpt2 else block.mlp.down_proj, at + "mlp.hook_post")

        # {{c.mlp}}
        def replace_mlp(module, args, output, layer=layer, at=at):
            changed = output * float(mlp_scale[layer])
            if layer in mlp_offset:
                changed = changed + torch.from_numpy(mlp_offset[layer]).unsqueeze(0)
            keep(at + "hook_mlp_out", changed)
            return changed

        handles.append(block.mlp.register_forward_hook(replace_mlp))
        on_output(block, at + "hook_resid_post")
    on_output(base.ln_f if gpt2 else base.norm, "ln_final.hook_normalized")
    try:
        with torch.no_grad():
            logits = model(torch.tensor([ids]), use_cache=False).logits[0].float()
    finally:
        for handle in handles:
            handle.remove()
    captured["logits"] = logits
    n = len(ids)
    # {{c.attention}}
    for layer in range(len(blocks)):
        at = f"blocks.{layer}.attn."
        if gpt2:
            q, k, v = captured.pop(at + "qkv").split(config_of_run["dModel"], dim=-1)
            captured[at + "hook_q"], captured[at + "hook_k"], captured[at + "hook_v"] = q, k, v
        for name, heads in (("hook_q", n_head), ("hook_k", n_kv), ("hook_v", n_kv)):
            captured[at + name] = captured[at + name].reshape(n, heads, d_head)
        q, k = captured[at + "hook_q"], captured[at + "hook_k"]
        if not gpt2:
            q = captured.get(at + "q_norm.hook_normalized", q)
            k = captured.get(at + "k_norm.hook_normalized", k)
            cos, sin = captured["rotary"]

            def rotate(x):
                half = x.shape[-1] // 2
                turned = torch.cat((-x[..., half:], x[..., :half]), dim=-1)
                return x * cos[:, None, :] + turned * sin[:, None, :]

            q, k = rotate(q), rotate(k)
            captured[at + "hook_rot_q"], captured[at + "hook_rot_k"] = q, k
        kv_of = [head * n_kv // n_head for head in range(n_head)]
        k = k[:, kv_of, :]
        scores = torch.einsum("qhd,khd->hqk", q, k) / math.sqrt(d_head)
        captured[at + "hook_attn_scores_unmasked"] = scores
        later = torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)
        masked = scores.masked_fill(later, float("-inf"))
        captured[at + "hook_attn_scores"] = masked
        captured[at + "hook_pattern"] = torch.softmax(masked, dim=-1)
    captured.pop("rotary", None)
    return {name: tensor.numpy() for name, tensor in captured.items()}


ours = recompute()


# %%
# {{c.compare}}
def compare():
    disagreements, skipped = [], []
    checked, rows_not_kept, worst = 0, 0, 0.0
    for name, capture in trace["captures"].items():
        shape = capture["shape"]
        if 0 in shape:
            skipped.append(name)
            continue
        if name not in ours:
            say("unknownHook", hook=name)
            disagreements.append(name)
            continue
        theirs = np.array([np.nan if value is None else value for value in capture["data"]], np.float64).reshape(shape)
        mine = ours[name].astype(np.float64)
        if mine.shape != theirs.shape:
            say("shapeDiffers", hook=name, ours=list(mine.shape), theirs=shape)
            disagreements.append(name)
            continue
        missing = np.isnan(theirs)
        # {{c.nulls}}
        if capture["layout"] == "attention":
            later = np.triu(np.ones(shape[1:], dtype=bool), k=1)[None]
            allowed_missing = later if name.endswith("hook_attn_scores") or name.endswith("hook_attn_scores_unmasked") else np.zeros_like(later)
            unexpected = missing & ~allowed_missing
        else:
            whole = missing.reshape(shape[0], -1).all(axis=1)
            rows_not_kept += int(whole.sum())
            unexpected = missing & ~whole.reshape((shape[0],) + (1,) * (len(shape) - 1))
        if unexpected.any():
            at = tuple(int(i) for i in np.argwhere(unexpected)[0])
            say("notFinite", hook=name, count=int(unexpected.sum()), at=list(at))
            disagreements.append(name)
            continue
        if missing.all():
            skipped.append(name)
            continue
        # {{c.perRow}}
        scale = np.maximum(1.0, np.abs(np.where(missing, 0.0, theirs)).max(axis=-1, keepdims=True))
        difference = np.where(missing, 0.0, np.abs(mine - theirs)) / scale
        largest = float(difference.max())
        checked += 1
        worst = max(worst, largest)
        if not largest <= TOLERANCE:
            disagreements.append(name)
            at = tuple(int(i) for i in np.unravel_index(int(np.argmax(difference)), difference.shape))
            say("tensorDiffers", hook=name, difference=f"{largest:.3g}", allowed=TOLERANCE, at=list(at))
    if skipped:
        say("notKept", count=len(skipped), hooks=", ".join(skipped[:6]) + (" …" if len(skipped) > 6 else ""))
    return checked, disagreements, worst, skipped, rows_not_kept


checked, disagreements, worst, skipped, rows_not_kept = compare()


# %%
# {{c.sampling}}
def mulberry32(seed):
    state = seed & 0xFFFFFFFF

    def draw():
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = state
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return draw


def choose(logits, decision):
    """The token the app's sampling picks with the step's settings and draw, and how far the draw is from the nearest
    boundary between two tokens. Sums are taken one after another in the app's order (float64)."""
    settings = decision["settings"]
    scores = np.asarray(logits, np.float64).copy()
    held = (decision.get("heldBack") or {}).get("ids", [])
    for stop in held:
        scores[stop] = -np.inf
    order = np.lexsort((np.arange(len(scores)), -scores))
    if decision["greedy"]:
        return int(order[0]), math.inf
    drawable = len(scores) - len(held)
    k = min(settings["topK"], drawable) if settings["topK"] > 0 else drawable
    weights = np.exp((scores - scores.max()) / settings["temperature"])
    top_k_sum = float(np.cumsum(weights)[-1]) if k == drawable else float(np.cumsum(weights[order[:k]])[-1])
    kept, pool = k, top_k_sum
    if settings["topP"] < 1:
        kept, pool, mass = 0, 0.0, 0.0
        for rank in range(k):
            weight = float(weights[order[rank]])
            kept += 1
            pool += weight
            mass += weight / top_k_sum
            if mass >= settings["topP"]:
                break
    cumulative, margin, draw = 0.0, math.inf, decision["draw"]
    for rank in range(kept):
        cumulative += float(weights[order[rank]]) / pool
        margin = min(margin, abs(cumulative - draw))
        if draw < cumulative:
            return int(order[rank]), margin
    return int(order[kept - 1]), margin


ROUNDING = {{ROUNDS}}


def check_steps():
    draw = mulberry32(trace["seed"])
    wrong, moved, close, unchecked = set(), [], [], []
    recorded = trace["captures"].get("logits")
    for step in trace["steps"]:
        decision, position = step["decision"], step["position"]
        if not decision["greedy"]:
            expected = draw()
            if expected != decision["draw"]:
                say("drawDiffers", position=position + 1, ours=expected, theirs=decision["draw"])
                wrong.add(position)
                continue
        # {{c.ownLogits}}
        own = None
        if recorded and position < recorded["shape"][0]:
            width = recorded["shape"][1]
            row = recorded["data"][position * width:(position + 1) * width]
            if all(value is not None for value in row):
                own, own_margin = choose(row, decision)
                if own != decision["chosenId"]:
                    if "logits" in trace.get("recomputedHooks", []) and (ROUNDING or own_margin < 1e-5):
                        # {{c.recomputedLogits}}
                        say("notChecked", position=position + 1)
                        unchecked.append(position)
                        continue
                    say("samplingDiffers", position=position + 1, ours=own, theirs=decision["chosenId"])
                    wrong.add(position)
                    continue
        if position < len(ids):
            chosen, margin = choose(ours["logits"][position], decision)
            if chosen != decision["chosenId"]:
                if margin < 1e-5:
                    say("tooClose", position=position + 1)
                    close.append(position)
                elif ROUNDING and own is not None and "logits" not in disagreements:
                    # {{c.rounding}}
                    say("roundingMoved", position=position + 1, ours=chosen, theirs=decision["chosenId"], precision=PRECISION)
                    moved.append(position)
                elif ROUNDING:
                    say("notChecked", position=position + 1)
                    unchecked.append(position)
                else:
                    say("tokenDiffers", position=position + 1, ours=chosen, theirs=decision["chosenId"])
                    wrong.add(position)
        if trace.get("feeding", "sampled") == "sampled" and position + 1 < len(trace["tokens"]):
            if trace["tokens"][position + 1]["id"] != decision["chosenId"]:
                say("fedDiffers", position=position + 1)
                wrong.add(position)
    return sorted(wrong), moved, close, unchecked


wrong_steps, moved_steps, close_steps, unchecked_steps = check_steps()


# %%
# {{c.verdict}}
steps = len(trace["steps"])
same = steps - len(wrong_steps) - len(moved_steps) - len(close_steps) - len(unchecked_steps)
if disagreements or wrong_steps or checked == 0:
    if checked == 0:
        say("nothingChecked")
    say("disagree", tensors=len(disagreements), steps=len(wrong_steps))
    if not NOTEBOOK:
        sys.exit(1)
else:
    say("agree", checked=checked, captures=len(trace["captures"]), tolerance=TOLERANCE, precision=PRECISION, worst=f"{worst:.2g}")
    if skipped or rows_not_kept:
        say("agreeKept", tensors=len(skipped), rows=rows_not_kept)
    say("stepsSame", same=same, steps=steps)
    if moved_steps:
        say("movedSteps", count=len(moved_steps), precision=PRECISION)
    if close_steps:
        say("closeSteps", count=len(close_steps))
    if unchecked_steps:
        say("uncheckedSteps", count=len(unchecked_steps))
