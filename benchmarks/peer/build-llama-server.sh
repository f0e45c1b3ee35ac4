#!/usr/bin/env bash
# Builds llama.cpp's llama-server and llama-bench under /tmp (never inside the repository), as the peer the speed
# benchmark compares the service with. LLamaSharp 0.30 binds llama.cpp 815a2a5, which no registry here serves; the
# nearest source is the llama.cpp release that the npm package node-llama-cpp carries as a git bundle — newer than
# LLamaSharp's, so docs/benchmarks.md names the commit it measured.
# Usage: bash benchmarks/peer/build-llama-server.sh [/tmp/llamacpp]   → prints the folder of the binaries.
set -euo pipefail
root="${1:-/tmp/llamacpp}"
mkdir -p "$root"
cd "$root"

if [[ ! -d src/.git ]]; then
  npm pack node-llama-cpp@3.21.1 --silent >/dev/null
  tar -xzf node-llama-cpp-3.21.1.tgz package/llama/gitRelease.bundle
  git -c advice.detachedHead=false clone -q package/llama/gitRelease.bundle src
fi
echo "llama.cpp $(git -C src log -1 --format='%h %cs')" >&2

# GGML_NATIVE=OFF with the AVX-512 flags on: the instruction set LLamaSharp's own build loads on this machine class.
cmake -S src -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=OFF -DGGML_AVX512=ON -DGGML_AVX2=ON -DGGML_FMA=ON \
  -DGGML_F16C=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_CURL=OFF >/dev/null
cmake --build build --target llama-server llama-bench llama-batched-bench -j "$(nproc)" >/dev/null
echo "$root/build/bin"
