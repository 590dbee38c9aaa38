#!/usr/bin/env bash
# Builds llama.cpp's llama-server from the source vendored in PyPI's llama-cpp-python sdist and
# caches it outside the repository, so test runs reuse it. Prints the binary's path.
set -euo pipefail
version=${LLAMA_CPP_PYTHON_VERSION:-0.3.36}
cache=${MITRA_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mitra}
binary="$cache/llama-server-$version/llama-server"
if [ -x "$binary" ]; then echo "$binary"; exit 0; fi
command -v cmake >/dev/null || { echo "cmake is missing: apt-get install cmake" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --no-binary=:all: -d "$work" "llama-cpp-python==$version" >&2
tar -xzf "$work"/llama_cpp_python-*.tar.gz -C "$work"
src=$(echo "$work"/llama_cpp_python-*/vendor/llama.cpp)
# The native build crashed on its first completion here; a portable AVX2 build serves fine.
cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=OFF -DGGML_AVX2=ON \
  -DGGML_AVX512=OFF -DGGML_OPENMP=OFF -DLLAMA_CURL=OFF -DBUILD_SHARED_LIBS=OFF \
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF >&2
cmake --build "$work/build" --target llama-server -j "$(nproc)" >&2
mkdir -p "$(dirname "$binary")"
cp "$work/build/bin/llama-server" "$binary.tmp"
mv "$binary.tmp" "$binary"
echo "$binary"
