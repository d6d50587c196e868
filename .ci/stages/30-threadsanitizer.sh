#!/usr/bin/env bash
# CI stage: the multi-threaded tests under ThreadSanitizer (docs/RELIABILITY.md).
# Debian's libtbb is not instrumented, so TSan cannot see its synchronisation and reports
# races that are not there; this stage builds oneTBB from Debian's own source package
# (the same version) with -DTBB_SANITIZE=thread, and links the TSan build against it.
# The `target_clones` dispatch is off in sanitizer builds (it crashes TSan at start-up).
set -euo pipefail
root=$PWD
work=$root/build-tsan
mkdir -p "$work"
tbb_prefix=$work/tbb-install
if [ ! -f "$tbb_prefix/lib/cmake/TBB/TBBConfig.cmake" ]; then
  src_list=/etc/apt/sources.list.d/migflow-deb-src.sources
  if ! apt-get source --download-only --print-uris onetbb >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' |
      $sudo tee "$src_list" >/dev/null
    $sudo apt-get update -qq
  fi
  version=$(dpkg-query -W -f='${Version}' libtbb-dev)
  (cd "$work" && apt-get source --download-only "onetbb=$version" >/dev/null 2>&1)
  rm -rf "$work/tbb-src" && mkdir -p "$work/tbb-src"
  tar -xf "$work"/onetbb_*.orig.tar.* -C "$work/tbb-src" --strip-components=1
  cmake -S "$work/tbb-src" -B "$work/tbb-build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTBB_SANITIZE=thread \
    -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBB_STRICT=OFF -DTBBMALLOC_BUILD=OFF -DCMAKE_CXX_FLAGS=-w \
    -DCMAKE_INSTALL_PREFIX="$tbb_prefix" >/dev/null
  cmake --build "$work/tbb-build" -j2 >/dev/null
  cmake --install "$work/tbb-build" >/dev/null
fi
cmake -S . -B "$work/migflow" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DMIGFLOW_SANITIZE=thread -DMIGFLOW_BENCH=OFF \
  -DMIGFLOW_PYTHON=OFF -DTBB_DIR="$tbb_prefix/lib/cmake/TBB"
cmake --build "$work/migflow" -j2 --target migflow_tests migflow
# The tests that run the engine on several threads: determinism across thread counts,
# ranks as threads, sweeps and ensembles (parallel runs), the engine and rules suites;
# not the shard tests, which time whole sweeps of the (10x slower) TSan binary.
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  "$work/migflow/tests/migflow_tests" "[determinism],[ranks],[engine],[rules],[ensemble],[sweep]~[shard],[flee]"
