"""The packages a centre installs (packaging/, docs/HPC.md "Packages for a centre") against
the build they package. Run by ctest (test `packaging`) with MIGFLOW_BIN and
MIGFLOW_BUILD_DIR set:

- every dependency CMake looks for (find_package, and find_path for libosmium) has a row
  in DEPENDENCIES, so a new one cannot be added without deciding what each recipe does;
- the Spack recipe (parsed with ast, never imported: Spack is not installed here) depends
  on every required library unconditionally and on the optional ones under their variant,
  with the variants mpi and python passed to CMake;
- the EasyBuild easyconfig (parsed with ast) lists every required library, and the MPI
  and Python ones its configure options turn on;
- the Apptainer definition installs the Debian packages of every library it builds with,
  each one that .ci/install-deps installs too;
- the Lmod modulefile that `cmake --install` writes for its prefix loads in Debian's Lmod
  and puts that prefix's migflow (and Python package: found, not imported, because a
  sanitizer build's module only imports with its runtime preloaded) first.
"""
import ast
import os
import re
import shlex
import subprocess

import pytest

SOURCE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGING = os.path.join(SOURCE, "packaging")
LMOD_INIT = "/usr/share/lmod/lmod/init/bash"

# CMake's name -> (when it is needed, Spack package, EasyBuild name, Debian package).
# None: that recipe does not provide it, for the reason in the comment.
DEPENDENCIES = {
    "Eigen3": ("required", "eigen", "Eigen", "libeigen3-dev"),
    "TBB": ("required", "tbb", "tbb", "libtbb-dev"),
    "HDF5": ("required", "hdf5", "HDF5", "libhdf5-dev"),
    "yaml-cpp": ("required", "yaml-cpp", "yaml-cpp", "libyaml-cpp-dev"),
    "CLI11": ("required", "cli11", "CLI11", "libcli11-dev"),
    "NLopt": ("required", "nlopt", "NLopt", "libnlopt-cxx-dev"),
    "ZLIB": ("required", "zlib-api", "zlib", "zlib1g-dev"),
    "Threads": ("system", None, None, None),  # the C library's threads: nothing to install
    # EasyBuild's MPI is its toolchain's (foss: Open MPI), not a dependency.
    "MPI": ("mpi", "mpi", None, "libopenmpi-dev"),
    "Python3": ("python", "python", "Python", "python3-dev"),
    "pybind11": ("python", "py-pybind11", "pybind11", "pybind11-dev"),
    # The easyconfig builds without OpenStreetMap roads (-DMIGFLOW_OSM=OFF).
    "osmium": ("osm", "libosmium", None, "libosmium2-dev"),
    "EXPAT": ("osm", "expat", None, "libexpat1-dev"),
    "BZip2": ("osm", "bzip2", None, "libbz2-dev"),
    # The recipes build without the tests (BUILD_TESTING=OFF); Spack's `spack install --test`.
    "Catch2": ("tests", "catch2", None, "catch2"),
}
# Recipe entries that are not CMake dependencies, and why each is there.
SPACK_EXTRAS = {"cmake": "the build tool", "py-numpy": "the Python module's arrays at run time",
                "py-xarray": "the Python module's Datasets at run time"}
EASYBUILD_EXTRAS = {"CMake": "the build tool", "SciPy-bundle": "numpy for the Python module",
                    "xarray": "the Python module's Datasets"}
DEBIAN_EXTRAS = {"cmake", "g++", "make", "pkg-config", "openmpi-bin", "python3-numpy", "python3-xarray",
                 "python3-h5py", "python3-matplotlib", "python3-pandas", "python3-yaml"}


def cmake_dependencies():
    names = set()
    for path in ("CMakeLists.txt", "tests/CMakeLists.txt", "sim/python/CMakeLists.txt", "benchmarks/CMakeLists.txt"):
        with open(os.path.join(SOURCE, path), encoding="utf-8") as f:
            text = f.read()
        names.update(re.findall(r"^\s*find_package\(\s*([A-Za-z0-9_-]+)", text, re.M))
        if re.search(r"find_path\(\S+ osmium/", text):
            names.add("osmium")
    return names


def test_every_cmake_dependency_has_a_row():
    found = cmake_dependencies()
    assert found == set(DEPENDENCIES), (
        f"CMake looks for {sorted(found - set(DEPENDENCIES))} which DEPENDENCIES does not list, "
        f"and DEPENDENCIES lists {sorted(set(DEPENDENCIES) - found)} which CMake no longer looks for")


def call_name(node):
    return node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)


def spack_recipe():
    path = os.path.join(PACKAGING, "spack", "packages", "migflow", "package.py")
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    depends, variants, defines = {}, set(), set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = call_name(node)
        args = [a.value for a in node.args if isinstance(a, ast.Constant)]
        kwargs = {k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)}
        if name == "depends_on":
            spec = args[0]
            package = re.match(r"[a-z0-9-]+", spec).group(0)
            depends[package] = (spec, kwargs.get("when"))
        elif name == "variant":
            variants.add(args[0])
        elif name == "define_from_variant":
            defines.add(tuple(args))
    return depends, variants, defines


def test_spack_recipe_depends_on_what_cmake_finds():
    depends, variants, defines = spack_recipe()
    assert {"mpi", "python"} <= variants
    assert ("MIGFLOW_MPI", "mpi") in defines and ("MIGFLOW_PYTHON", "python") in defines
    for cmake_name, (role, spack, _, _) in DEPENDENCIES.items():
        if spack is None:
            continue
        assert spack in depends, f"the Spack recipe has no depends_on({spack!r}) for CMake's {cmake_name}"
        when = depends[spack][1]
        if role in ("required", "tests"):
            assert when is None, f"{spack} is needed by every build, not only when={when}"
        else:
            assert when == f"+{role}", f"{spack} belongs to variant +{role}, not when={when}"
    known = {row[1] for row in DEPENDENCIES.values()} | set(SPACK_EXTRAS)
    assert set(depends) <= known, f"the Spack recipe depends on {sorted(set(depends) - known)}, which nothing explains"
    # The result file's HDF5 needs the C++ and high-level APIs; one process writes it.
    assert re.search(r"\+cxx", depends["hdf5"][0]) and re.search(r"\+hl", depends["hdf5"][0])


def easyconfig():
    path = os.path.join(PACKAGING, "easybuild", "migflow-0.1.0-foss-2023a.eb")
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    values = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            values[node.target.id] += ast.literal_eval(node.value)
    return values


def test_easyconfig_lists_what_cmake_finds():
    ec = easyconfig()
    assert ec["easyblock"] == "CMakeMake"
    names = {d[0] for d in ec["dependencies"] + ec["builddependencies"]}
    options = ec["configopts"].split()
    assert "-DMIGFLOW_MPI=ON" in options and ec["toolchain"]["name"] == "foss" and ec["toolchainopts"]["usempi"]
    assert "-DMIGFLOW_PYTHON=ON" in options and "-DMIGFLOW_OSM=OFF" in options
    for cmake_name, (role, _, eb, _) in DEPENDENCIES.items():
        if role in ("required", "python"):
            assert eb in names, f"the easyconfig does not list {eb} for CMake's {cmake_name}"
    known = {row[2] for row in DEPENDENCIES.values()} | set(EASYBUILD_EXTRAS)
    assert names <= known, f"the easyconfig lists {sorted(names - known)}, which nothing explains"
    assert any("features" in c and "mpi" in c for c in ec["sanity_check_commands"])


def install_deps_packages():
    with open(os.path.join(SOURCE, ".ci", "install-deps"), encoding="utf-8") as f:
        text = f.read()
    block = re.search(r"^packages=\((.*?)\)", text, re.M | re.S).group(1)
    return set(block.split())


def test_apptainer_definition_installs_what_cmake_finds():
    with open(os.path.join(PACKAGING, "apptainer", "migflow.def"), encoding="utf-8") as f:
        text = f.read()
    header = dict(re.findall(r"^(Bootstrap|From):\s*(\S+)", text, re.M))
    assert header == {"Bootstrap": "docker", "From": "debian:12"}  # the Debian the CI tests on
    sections = dict(re.findall(r"^%(\w+)\n(.*?)(?=^%|\Z)", text, re.M | re.S))
    assert {"post", "runscript", "test"} <= set(sections)
    post = sections["post"].replace("\\\n", " ")
    install = re.search(r"apt-get install ([^\n]*)", post).group(1)
    packages = {w for w in shlex.split(install) if not w.startswith("-")}
    assert "-DMIGFLOW_MPI=ON" in post
    for cmake_name, (role, _, _, debian) in DEPENDENCIES.items():
        if role in ("required", "mpi", "python", "osm"):
            assert debian in packages, f"the Apptainer image does not install {debian} for CMake's {cmake_name}"
    known = {row[3] for row in DEPENDENCIES.values()} | DEBIAN_EXTRAS
    assert packages <= known, f"the image installs {sorted(packages - known)}, which nothing explains"
    assert packages <= install_deps_packages(), "every package of the image is one .ci/install-deps installs (and CI tests)"
    assert "features: mpi" in sections["test"]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    build = os.environ.get("MIGFLOW_BUILD_DIR")
    if not build:
        pytest.fail("MIGFLOW_BUILD_DIR is not set: run through ctest")
    prefix = tmp_path_factory.mktemp("prefix") / "migflow"
    subprocess.run(["cmake", "--install", build, "--prefix", str(prefix)], check=True, capture_output=True)
    return prefix


def version_lines(text):
    return dict(line.strip().split(": ", 1) for line in text.splitlines()[1:] if ": " in line)


def test_lmod_loads_the_installed_modulefile(installed):
    assert os.path.exists(LMOD_INIT), "Debian's lmod is missing: .ci/install-deps installs it"
    modules = installed / "share" / "migflow" / "modulefiles"
    assert (modules / "migflow" / "0.1.0.lua").is_file()
    script = (f"source {LMOD_INIT}; module use {shlex.quote(str(modules))}; module load migflow; "
              "command -v migflow; migflow --version; echo \"analysis=$MIGFLOW_ANALYSIS_DIR\"; "
              "/usr/bin/python3 -c 'import importlib.util as u; print(\"python=\" + u.find_spec(\"migflow\").origin)' 2>&1 "
              "|| true")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MIGFLOW_ANALYSIS_DIR")}
    env["PATH"] = "/usr/bin:/bin"  # no migflow on it but the module's
    out = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    assert lines[0] == str(installed / "bin" / "migflow")
    assert lines[1].startswith("migflow 0.1.0")
    built = subprocess.run([os.environ["MIGFLOW_BIN"], "--version"], capture_output=True, text=True, check=True).stdout
    features = version_lines(built)["features"]
    assert version_lines(out)["features"] == features
    assert f"analysis={installed}/share/migflow/analysis" in lines
    assert os.path.isfile(installed / "share" / "migflow" / "analysis" / "report.py")
    if "python" in features.split():
        python = [line for line in lines if line.startswith("python=")]
        assert python and python[0].startswith(f"python={installed}/"), out
