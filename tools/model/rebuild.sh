#!/usr/bin/env bash
# Rebuilds the embedded model from nothing (corpus → tokenizer → training → ONNX export → check against PyTorch).
# With --benchmark-model: writes the random GPT-2-small-shaped model to models-bench/ instead.
# With --llama: the Llama-architecture model (flow-llama-tiny) instead of the GPT-2 one.
set -euo pipefail
cd "$(dirname "$0")"
# Debian's interpreter: the one that sees python3-torch (a pyenv python3 may come first on PATH).
PYTHON=/usr/bin/python3
missing=()
$PYTHON -c 'import torch' 2>/dev/null || missing+=(python3-torch)
$PYTHON -c 'import onnx' 2>/dev/null || missing+=(python3-onnx)
$PYTHON -c 'import regex' 2>/dev/null || missing+=(python3-regex)
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || missing+=(libopenblas0-pthread)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} from Debian (needs root)…"
  apt-get update -qq && apt-get install -y -qq "${missing[@]}"
fi
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
if [ "${1:-}" = "--benchmark-model" ]; then
  $PYTHON export.py --benchmark-model
  exit 0
fi
if [ "${1:-}" = "--llama" ]; then
  mkdir -p build-llama
  MODEL_ARCH=llama $PYTHON train.py 2>&1 | tee build-llama/train.log
  $PYTHON export.py --arch llama
else
  mkdir -p build
  $PYTHON train.py 2>&1 | tee build/train.log
  $PYTHON export.py
fi
cd ../..
npx vitest run test/model
