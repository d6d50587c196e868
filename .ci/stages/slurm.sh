#!/usr/bin/env bash
# Slurm stage (issue #8, docs/HPC.md): the documented sbatch scripts (docs/slurm/)
# submitted to a real one-node Slurm that tests/slurm/ starts on this machine, awaited,
# and their outputs checked. With an MPI build in build-mpi/ (the MPI stage, which runs
# before this one), the scripts run that build too: run.sbatch and the job array on a
# cluster whose MpiDefault is none (issue #24: the scripts must pass srun --mpi), the
# hybrid ranks x threads script and the MPI sweep. Skipped, saying why, only when Slurm
# cannot start here.
set -euo pipefail
.ci/install-deps slurm
mpi_build=()
[ -x build-mpi/migflow ] && mpi_build=(build-mpi)
status=0
tests/slurm/run-tests.sh build "${mpi_build[@]}" || status=$?
if [ $status -eq 77 ]; then
  echo "Slurm stage SKIPPED: Slurm could not start on this machine (reason above)" >&2
  exit 0
fi
exit $status
