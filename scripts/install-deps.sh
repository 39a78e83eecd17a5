#!/usr/bin/env bash
# Installs the Debian packages SpatialTranscriptomer needs to build, test and run.
# Idempotent: packages already present are skipped, so re-running costs seconds.
# Needs root (or sudo) and Debian 12's archive; nothing else is downloaded.
set -euo pipefail

build_pkgs=(
  build-essential cmake ninja-build ccache pkg-config
  libtorch-dev            # LibTorch 1.13 (CPU)
  libhdf5-dev             # 10x .h5, AnnData .h5ad, feature caches
  libopencv-dev           # image decode, resize, drawing (and its FreeType module for text)
  fonts-dejavu-core       # the maps' and figures' typeface
  libopenslide-dev        # whole-slide images
  libtiff-dev             # plain TIFFs: the size is read before the image is decoded whole
  libjpeg-dev             # JPEGs decoded by libjpeg-turbo, which reports corrupt data
  libpng-dev              # PNGs decoded by libpng, whose errors become stx's one line
  nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  libeigen3-dev           # ridge regression and small dense linear algebra
  zlib1g-dev              # .tsv.gz counts
  libzip-dev              # .pth archives: entry sizes checked before LibTorch inflates them
  libthrift-dev libsnappy-dev libzstd-dev  # Parquet: the footer's Thrift compact protocol, page codecs
  libboost-dev            # Thrift's headers include Boost's; libthrift-dev only recommends it
  libgloo-dev             # the headers of c10d ProcessGroupGloo (in libtorch_cpu): stx train --nproc
  libgoogle-perftools-dev # tcmalloc_minimal: avoids page-fault storms on fresh tensors
  libopenblas0-openmp     # Debian LibTorch uses the generic libblas.so.3: OpenBLAS takes
                          # it over via alternatives (2048^3 matmul: 6 -> 129 GFLOP/s). The
                          # OpenMP build shares LibTorch's thread pool; the pthread build's
                          # threads fight OpenMP's spinning ones (QuadFlow step 0.54 -> 0.26 s)
  libgtest-dev libgmock-dev libbenchmark-dev
)
test_pkgs=(
  python3 python3-numpy python3-anndata python3-h5py python3-scipy  # references for .h5ad round trips
  python3-pil libtiff-tools  # tests/fixtures/make_fixtures.py: demo crops, tiled TIFF pyramid
  r-base-core r-bioc-gsva    # ssGSEA parity against Bioconductor GSVA
  python3-torch python3-torchvision  # TorchScript and native ViT parity fixtures
  python3-sklearn            # adjusted Rand index reference for `stx domains`
  python3-skimage            # peak_local_max: the independent reference for `stx nuclei`
  chromium                   # the HTML report is loaded headless and screenshotted
  clang libclang-rt-14-dev libomp-dev  # scripts/fuzz.sh: libFuzzer targets under ASan + UBSan
  snakemake                  # workflow/: the cohort workflow on the demo sample sheet
  nodejs                     # tests/parquet: hyparquet, an independent Parquet reader (npm, below)
  python3-websocket          # tests/cli/view_test.py drives headless Chromium over DevTools
)

wanted=("${build_pkgs[@]}")
if [[ "${1:-}" == "--with-tests" ]]; then wanted+=("${test_pkgs[@]}"); fi

missing=()
for p in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#wanted[@]} Debian packages present"
else
  echo "install-deps: installing ${#missing[@]} package(s): ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "install-deps: done"
fi

# Point BLAS, LAPACK and libopenblas at the OpenMP OpenBLAS even when another BLAS (the
# pthread build, pulled in by R or numpy) has a higher alternatives priority.
arch_dir=/usr/lib/x86_64-linux-gnu
for name in libblas.so.3 liblapack.so.3 libopenblas.so.0; do
  target="$arch_dir/openblas-openmp/$name"
  if [[ -e "$target" ]] && [[ "$(readlink -f "$arch_dir/$name")" != "$(readlink -f "$target")" ]]; then
    $SUDO update-alternatives --quiet --set "$name-x86_64-linux-gnu" "$target"
  fi
done

# The viewer's OpenSeadragon (src/outputs/viewer/package-lock.json pins the version and its
# integrity hash, which npm ci checks), embedded in stx at build time.
npm_ci_when_stale() {  # FOLDER PACKAGE
  if [[ ! -d "$1/node_modules/$2" ]] || [[ "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]]; then
    echo "install-deps: npm ci in ${1#"$root/"}"
    npm ci --prefix "$1" --no-audit --no-fund --silent
  fi
}
root="$(cd "$(dirname "$0")/.." && pwd)"
# npm as a command: a Node.js from elsewhere (nodesource's) carries its own and conflicts with
# Debian's npm package
if ! command -v npm >/dev/null; then
  echo "install-deps: installing npm"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
fi
npm_ci_when_stale "$root/src/outputs/viewer" openseadragon

# The tests' npm packages (tests/parquet/package-lock.json: hyparquet and its writer, pure
# JavaScript references for the Parquet reader), installed from the npm registry when missing
# or when the lock file is newer than what was installed.
if [[ "${1:-}" == "--with-tests" ]]; then
  npm_ci_when_stale "$root/tests/parquet" hyparquet
fi
