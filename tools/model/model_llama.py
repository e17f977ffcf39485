"""A Llama-architecture model in one short file, with Hugging Face `LlamaForCausalLM` names, so its ONNX graph reads
like a Hub Llama export: model.embed_tokens / layers.{i}.input_layernorm / self_attn.q_proj, k_proj, v_proj, o_proj /
post_attention_layernorm / mlp.gate_proj, up_proj, down_proj / model.norm / lm_head.

What differs from GPT-2, as a course teaches it: RMSNorm instead of LayerNorm, no position-embedding table but
rotary position embeddings (RoPE) applied to Q and K inside attention, a SwiGLU MLP (a gate), and grouped-query
attention: fewer key/value heads than query heads, each K/V head shared by a group of query heads.
"""

import math
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.nn import functional as F


@dataclass
class LlamaConfig:
    vocab_size: int = 4096
    max_position_embeddings: int = 256
    hidden_size: int = 128
    intermediate_size: int = 352     # SwiGLU width (≈ 8/3 · hidden, as in Llama)
    num_hidden_layers: int = 4
    num_attention_heads: int = 4     # query heads; head size 32
    num_key_value_heads: int = 2     # each K/V head serves 2 query heads (grouped-query attention)
    rms_norm_eps: float = 1e-5
    rope_theta: float = 10000.0


class LlamaRMSNorm(nn.Module):
    def __init__(self, size, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.eps = eps

    def forward(self, x):
        # x / sqrt(mean(x²) + ε) · γ — no mean subtraction, no bias
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


def repeat_kv(x, groups):
    """Each key/value head serves `groups` query heads (as Hugging Face's repeat_kv: expand, then reshape)."""
    B, n_kv, S, hs = x.shape
    return x[:, :, None, :, :].expand(B, n_kv, groups, S, hs).reshape(B, n_kv * groups, S, hs)


class LlamaAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.n_head = config.num_attention_heads
        self.n_kv = config.num_key_value_heads
        self.head_dim = config.hidden_size // self.n_head
        self.q_proj = nn.Linear(config.hidden_size, self.n_head * self.head_dim, bias=False)
        self.k_proj = nn.Linear(config.hidden_size, self.n_kv * self.head_dim, bias=False)
        self.v_proj = nn.Linear(config.hidden_size, self.n_kv * self.head_dim, bias=False)
        self.o_proj = nn.Linear(self.n_head * self.head_dim, config.hidden_size, bias=False)
        inv_freq = 1.0 / (config.rope_theta ** (torch.arange(0, self.head_dim, 2).float() / self.head_dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def forward(self, x, position_ids, past_key=None, past_value=None, attention_mask=None):
        B, T, _ = x.size()
        q = self.q_proj(x).view(B, T, self.n_head, self.head_dim).transpose(1, 2)   # (B, nh, T, hs)
        k = self.k_proj(x).view(B, T, self.n_kv, self.head_dim).transpose(1, 2)     # (B, nkv, T, hs)
        v = self.v_proj(x).view(B, T, self.n_kv, self.head_dim).transpose(1, 2)
        # RoPE: rotate each (q, k) pair of dimensions by an angle proportional to the position.
        angles = position_ids[:, None, :, None].float() * self.inv_freq             # (B, 1, T, hs/2)
        angles = torch.cat((angles, angles), dim=-1)
        cos, sin = angles.cos(), angles.sin()
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past_key is not None:
            k = torch.cat([past_key, k], dim=2)                                      # (B, nkv, S, hs)
            v = torch.cat([past_value, v], dim=2)
        present_k, present_v = k, v
        k, v = repeat_kv(k, self.n_head // self.n_kv), repeat_kv(v, self.n_head // self.n_kv)  # (B, nh, S, hs)
        S = k.size(2)
        if self.training and past_key is None and attention_mask is None and hasattr(F, "scaled_dot_product_attention"):
            # Training only: the fused kernel computes the same softmax(QKᵀ/√d)V, faster; export keeps the
            # explicit softmax for the app to capture.
            z = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            return self.o_proj(z.transpose(1, 2).contiguous().view(B, T, -1)), present_k, present_v
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.head_dim))       # (B, nh, T, S)
        query_position = torch.arange(S - T, S, device=x.device).unsqueeze(1)
        key_position = torch.arange(0, S, device=x.device).unsqueeze(0)
        allowed = key_position <= query_position
        if attention_mask is not None:
            allowed = allowed & attention_mask[:, None, None, :].bool()
        scores = scores.masked_fill(~allowed, float("-inf"))
        pattern = F.softmax(scores, dim=-1)
        z = (pattern @ v).transpose(1, 2).contiguous().view(B, T, -1)
        return self.o_proj(z), present_k, present_v


class LlamaMLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.gate_proj = nn.Linear(config.hidden_size, config.intermediate_size, bias=False)
        self.up_proj = nn.Linear(config.hidden_size, config.intermediate_size, bias=False)
        self.down_proj = nn.Linear(config.intermediate_size, config.hidden_size, bias=False)
        self.act_fn = nn.SiLU()

    def forward(self, x):
        return self.down_proj(self.act_fn(self.gate_proj(x)) * self.up_proj(x))  # SwiGLU


class LlamaDecoderLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.input_layernorm = LlamaRMSNorm(config.hidden_size, config.rms_norm_eps)
        self.self_attn = LlamaAttention(config)
        self.post_attention_layernorm = LlamaRMSNorm(config.hidden_size, config.rms_norm_eps)
        self.mlp = LlamaMLP(config)

    def forward(self, x, position_ids, past_key=None, past_value=None, attention_mask=None):
        attn_out, k, v = self.self_attn(self.input_layernorm(x), position_ids, past_key, past_value, attention_mask)
        x = x + attn_out
        x = x + self.mlp(self.post_attention_layernorm(x))
        return x, k, v


class LlamaModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.embed_tokens = nn.Embedding(config.vocab_size, config.hidden_size)
        self.layers = nn.ModuleList([LlamaDecoderLayer(config) for _ in range(config.num_hidden_layers)])
        self.norm = LlamaRMSNorm(config.hidden_size, config.rms_norm_eps)

    def forward(self, input_ids, attention_mask=None, position_ids=None, past=None):
        T = input_ids.size(1)
        past_length = 0 if past is None else past[0][0].size(2)
        if position_ids is None:
            position_ids = torch.arange(past_length, past_length + T, device=input_ids.device).unsqueeze(0)
        x = self.embed_tokens(input_ids)  # no position table: positions enter through RoPE
        presents = []
        for index, layer in enumerate(self.layers):
            past_key, past_value = (None, None) if past is None else past[index]
            x, k, v = layer(x, position_ids, past_key, past_value, attention_mask)
            presents.append((k, v))
        return self.norm(x), presents


class LlamaForCausalLM(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.model = LlamaModel(config)
        self.lm_head = nn.Linear(config.hidden_size, config.vocab_size, bias=False)
        self.lm_head.weight = self.model.embed_tokens.weight  # tied, to keep the embedded model small
        for module in self.modules():
            if isinstance(module, (nn.Linear, nn.Embedding)):
                nn.init.normal_(module.weight, mean=0.0, std=0.02)
        for name, parameter in self.named_parameters():
            if name.endswith(("o_proj.weight", "down_proj.weight")):
                nn.init.normal_(parameter, mean=0.0, std=0.02 / math.sqrt(2 * config.num_hidden_layers))

    def forward(self, input_ids, attention_mask=None, position_ids=None, past=None):
        x, presents = self.model(input_ids, attention_mask, position_ids, past)
        logits = self.lm_head(x)
        return logits if past is None else (logits, presents)
