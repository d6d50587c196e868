# Spack recipe for migflow (packaging/README.md, docs/HPC.md "Packages for a centre").
#   spack repo add packaging/spack && spack install migflow +mpi ^openmpi
# or, on a checkout: spack develop migflow@main && spack install migflow@main
# tests/test_packaging.py keeps the dependencies equal to CMakeLists.txt's find_package calls.
from spack.package import *


class Migflow(CMakePackage):
    """A fast, reproducible agent-based simulator of migration flows: millions of agents
    moved between regions day by day under conflict, economic and climate drivers,
    time series written to HDF5; reads Flee cases."""

    homepage = "https://example.org/migflow"
    # Placeholder: the project has no public address yet. Point `git` at your mirror of the
    # repository, or build a checkout with `spack develop`.
    git = "https://example.org/migflow.git"

    license("BSD-3-Clause")

    version("main", branch="main")

    variant("mpi", default=False, description="One run across MPI ranks (mpirun/srun; docs/HPC.md)")
    variant("python", default=True, description="The Python module migflow (pybind11; docs/PYTHON.md)")
    variant("osm", default=True, description="OpenStreetMap road networks in build-case (libosmium)")

    depends_on("cmake@3.20:", type="build")
    depends_on("eigen@3.4:")
    depends_on("tbb")
    # One process writes the result file, so serial HDF5 is enough even with +mpi.
    depends_on("hdf5+cxx+hl~mpi")
    depends_on("yaml-cpp")
    depends_on("cli11", type="build")
    depends_on("nlopt")
    depends_on("zlib-api")
    depends_on("mpi", when="+mpi")
    depends_on("python@3.9:", when="+python", type=("build", "run"))
    depends_on("py-pybind11", when="+python", type="build")
    depends_on("py-numpy", when="+python", type="run")
    depends_on("py-xarray", when="+python", type="run")
    depends_on("libosmium", when="+osm", type="build")
    depends_on("expat", when="+osm")
    depends_on("bzip2", when="+osm")
    depends_on("catch2@2", type="test")

    def cmake_args(self):
        return [
            self.define_from_variant("MIGFLOW_MPI", "mpi"),
            self.define_from_variant("MIGFLOW_PYTHON", "python"),
            self.define_from_variant("MIGFLOW_OSM", "osm"),
            self.define("MIGFLOW_BENCH", False),
            self.define("BUILD_TESTING", self.run_tests),
        ]

    @run_after("install")
    @on_package_attributes(run_tests=True)
    def check_version(self):
        # `migflow --version` names the features built in (docs/HPC.md).
        migflow = Executable(self.prefix.bin.migflow)
        out = migflow("--version", output=str)
        if "+mpi" in self.spec and " mpi" not in out:
            raise InstallError("migflow --version does not list mpi among its features")
