#!/usr/bin/env bash
# Rebuilds an embedded model from nothing (the induction one from the shipped GPT-2's weights) (corpus → tokenizer → training → ONNX export → quality figures and card →
# check against PyTorch). Both models share the tokenizer and the encoded corpus (build-shared/).
# With --benchmark-model: writes the random-weight benchmark models to models-bench/ instead (ignored by git):
# GPT-2 small's shapes (124M, fp32) and Qwen2.5-0.5B's (q8 and q4 files); `--benchmark-model gpt2` or `qwen` for one.
# With --llama: the Llama-architecture model (flow-llama-tiny) instead of the GPT-2 one.
# With --induction: flow-gpt2-tiny-induction, the shipped GPT-2 trained further to copy (no corpus rebuild; about
# 25 minutes on 2 CPU cores).
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$(cd ../.. && pwd)"
# PyTorch 2.x from the machine's Python wheel index, in the project's ignored .venv: it trains faster here than
# Debian's 1.13 (measured in the model card). Debian's python3-jieba and fortunes supply corpus text.
PYTHON="$ROOT/.venv/bin/python"
if [ ! -x "$PYTHON" ]; then
  python3 -m venv "$ROOT/.venv"
  "$PYTHON" -m pip install torch transformers onnx onnxruntime onnx-ir tokenizers numpy regex
fi
missing=()
[ -f /usr/lib/python3/dist-packages/jieba/dict.txt ] || missing+=(python3-jieba)
[ -f /usr/share/games/fortunes/fortunes ] || missing+=(fortunes)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} from Debian (needs root)…"
  apt-get update -qq && apt-get install -y -qq "${missing[@]}"
fi
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
if [ "${1:-}" = "--benchmark-model" ]; then
  case "${2:-all}" in
    gpt2) "$PYTHON" export.py --benchmark-model ;;
    qwen) "$PYTHON" bench_qwen.py ;;
    all) "$PYTHON" export.py --benchmark-model && "$PYTHON" bench_qwen.py ;;
    *) echo "--benchmark-model takes gpt2, qwen or nothing (both)" >&2; exit 2 ;;
  esac
  exit 0
fi
if [ "${1:-}" = "--induction" ]; then
  # The embedded GPT-2 trained further until it has an induction head (docs/head-roles.md), shipped beside it.
  mkdir -p build-induction
  MODEL_BUILD="$PWD/build-induction" "$PYTHON" induction.py 2>&1 | tee -a build-induction/run.log
  MODEL_BUILD="$PWD/build-induction" "$PYTHON" export.py --name flow-gpt2-tiny-induction
elif [ "${1:-}" = "--llama" ]; then
  mkdir -p build-llama
  MODEL_ARCH=llama "$PYTHON" train.py 2>&1 | tee -a build-llama/train.log
  "$PYTHON" export.py --arch llama
else
  mkdir -p build
  "$PYTHON" train.py 2>&1 | tee -a build/train.log
  "$PYTHON" export.py
fi
cd ../..
# The card's heads on the app's own head-role test, measured by the app's engine (test/model/model-cards.test.ts).
WRITE_CARDS=1 npx vitest run test/model/model-cards.test.ts
npx vitest run test/model
