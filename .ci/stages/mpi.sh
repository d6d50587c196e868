#!/usr/bin/env bash
# CI stage (issue #8): the MIGFLOW_MPI=ON variant of `migflow`, and only its tests
# (label mpi): identical datasets on 1, 2 and 3 ranks and in the build without MPI
# (build/migflow), failures that must end every rank, and checkpoints restarted on 1, 2
# and 3 ranks. About 3 minutes on 2 cores.
set -euo pipefail
cmake -S . -B build-mpi -DCMAKE_BUILD_TYPE=Release -DMIGFLOW_MPI=ON -DMIGFLOW_BENCH=OFF \
      -DMIGFLOW_SERIAL_BINARY="$PWD/build/migflow"
cmake --build build-mpi -j2 --target migflow
ctest --test-dir build-mpi -L mpi --output-on-failure
