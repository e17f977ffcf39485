"""A GPT-2 in one short file, with Hugging Face GPT-2 module names so its ONNX graph reads like a Hub GPT-2 export.

Names: transformer.wte / wpe / h.{i}.ln_1 / attn.c_attn / attn.c_proj / ln_2 / mlp.c_fc / mlp.c_proj / ln_f,
lm_head tied to wte. torch's ONNX exporter names each node after its module path (`/transformer/h.0/attn/Softmax`),
which is what the app's probe looks for.
"""

import math
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.nn import functional as F


@dataclass
class GPTConfig:
    vocab_size: int = 4096
    n_positions: int = 256   # the context length: the longest prompt + generation the model can attend over
    n_embd: int = 128        # d_model: the width of the residual stream
    n_layer: int = 4
    n_head: int = 4          # head size = n_embd / n_head = 32
    layer_norm_epsilon: float = 1e-5


class CausalSelfAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.n_head = config.n_head
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd)  # Q, K and V of every head in one matmul
        self.c_proj = nn.Linear(config.n_embd, config.n_embd)      # W_O

    def forward(self, x, past_key=None, past_value=None, attention_mask=None):
        B, T, C = x.size()
        hs = C // self.n_head
        q, k, v = self.c_attn(x).split(C, dim=2)
        q = q.view(B, T, self.n_head, hs).transpose(1, 2)  # (B, nh, T, hs)
        k = k.view(B, T, self.n_head, hs).transpose(1, 2)  # (B, nh, T, hs)
        v = v.view(B, T, self.n_head, hs).transpose(1, 2)  # (B, nh, T, hs)
        if past_key is not None:  # the KV-cache graph: earlier positions' K and V come in, this step's are appended
            k = torch.cat([past_key, k], dim=2)            # (B, nh, past + T, hs)
            v = torch.cat([past_value, v], dim=2)
        S = k.size(2)
        if self.training and past_key is None and attention_mask is None and hasattr(F, "scaled_dot_product_attention"):
            # Training only: the fused kernel computes the same softmax(QKᵀ/√d)V, faster. Export and inference
            # take the explicit path below, whose softmax is its own node for the app to capture.
            z = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            return self.c_proj(z.transpose(1, 2).contiguous().view(B, T, C)), k, v
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))  # (B, nh, T, S)
        # Query t sits at absolute position S - T + t and may look at keys 0..that position.
        query_position = torch.arange(S - T, S, device=x.device).unsqueeze(1)
        key_position = torch.arange(0, S, device=x.device).unsqueeze(0)
        allowed = key_position <= query_position                       # (T, S)
        if attention_mask is not None:
            allowed = allowed & attention_mask[:, None, None, :].bool()  # (B, 1, T, S)
        scores = scores.masked_fill(~allowed, float("-inf"))
        pattern = F.softmax(scores, dim=-1)
        z = pattern @ v                                                  # (B, nh, T, hs)
        z = z.transpose(1, 2).contiguous().view(B, T, C)                 # concatenate the heads
        return self.c_proj(z), k, v


class MLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd)
        self.act = nn.GELU(approximate="tanh")  # GPT-2's "gelu_new"
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd)

    def forward(self, x):
        return self.c_proj(self.act(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd, eps=config.layer_norm_epsilon)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd, eps=config.layer_norm_epsilon)
        self.mlp = MLP(config)

    def forward(self, x, past_key=None, past_value=None, attention_mask=None):
        attn_out, k, v = self.attn(self.ln_1(x), past_key, past_value, attention_mask)
        x = x + attn_out
        x = x + self.mlp(self.ln_2(x))
        return x, k, v


class Transformer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        self.wpe = nn.Embedding(config.n_positions, config.n_embd)
        self.h = nn.ModuleList([Block(config) for _ in range(config.n_layer)])
        self.ln_f = nn.LayerNorm(config.n_embd, eps=config.layer_norm_epsilon)

    def forward(self, input_ids, attention_mask=None, past=None):
        T = input_ids.size(1)
        past_length = 0 if past is None else past[0][0].size(2)
        position = torch.arange(past_length, past_length + T, device=input_ids.device).unsqueeze(0)
        x = self.wte(input_ids) + self.wpe(position)  # (B, T, C): the residual stream starts here
        presents = []
        for index, block in enumerate(self.h):
            past_key, past_value = (None, None) if past is None else past[index]
            x, k, v = block(x, past_key, past_value, attention_mask)
            presents.append((k, v))
        return self.ln_f(x), presents


class GPT2LMHeadModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.transformer = Transformer(config)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.lm_head.weight = self.transformer.wte.weight  # tied unembedding: W_U = W_Eᵀ
        self.apply(self._init_weights)
        for name, parameter in self.named_parameters():  # GPT-2's scaled init of the residual projections
            if name.endswith("c_proj.weight"):
                nn.init.normal_(parameter, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    def _init_weights(self, module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def forward(self, input_ids, attention_mask=None, past=None):
        """input_ids (B, T) → logits (B, T, vocab). With `past` (a list of (key, value) per layer) it also
        returns the presents: the cached keys and values extended by this call's positions."""
        x, presents = self.transformer(input_ids, attention_mask, past)
        logits = self.lm_head(x)  # (B, T, vocab)
        return logits if past is None else (logits, presents)
