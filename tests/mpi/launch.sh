# Sourced by the MPI tests: `mpi_run N CMD...` starts CMD on N ranks with the MPI
# library's launcher. Open MPI needs --oversubscribe for more ranks than cores and
# --allow-run-as-root as root; MPICH's mpiexec needs neither.
MPI_LAUNCHER=${MPI_LAUNCHER:-mpirun}
mpi_flags=()
if "$MPI_LAUNCHER" --version 2>&1 | grep -qE "Open MPI|OpenRTE"; then
    mpi_flags+=(--oversubscribe)
    [ "$(id -u)" -eq 0 ] && mpi_flags+=(--allow-run-as-root)
fi
mpi_run() {
    local n=$1
    shift
    # A hung job must fail the test, not the CI run.
    timeout 300 "$MPI_LAUNCHER" "${mpi_flags[@]}" -np "$n" "$@"
}
