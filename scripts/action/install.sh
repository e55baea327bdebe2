#!/usr/bin/env bash
# The action's install step: makes a perfgate binary for the steps after it and writes its
# path to the step output `binary`. In order:
#   1. a binary already built into $BUILD_DIR (restored by actions/cache): only the runtime
#      libraries are installed (scripts/setup.sh --runtime);
#   2. the .deb of perfgate's release v<VERSION> built for this runner's system
#      (perfgate_<VERSION>-1~<codename>_<arch>.deb), when the release has one: apt installs it
#      with its dependencies;
#   3. else the binary is built from the action's source, tests and benchmarks off
#      (scripts/setup.sh --build, then CMake and Ninja) into $BUILD_DIR.
#   ACTION_PATH ACTION_REPOSITORY BUILD_DIR [GITHUB_TOKEN GITHUB_API_URL] install.sh
set -euo pipefail
source_dir=${ACTION_PATH:?}
build_dir=${BUILD_DIR:?}
output=${GITHUB_OUTPUT:-/dev/null}
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

found() {
  echo "binary=$1" >> "$output"
  echo "perfgate: using $1 ($("$1" --version))"
  exit 0
}

if [ -x "$build_dir/perfgate" ]; then
  bash "$source_dir/scripts/setup.sh" --runtime
  found "$build_dir/perfgate"
fi

version=$(sed -n 's/^project(perfgate VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
arch=$(dpkg --print-architecture)
api=${GITHUB_API_URL:-https://api.github.com}
if [ -n "${ACTION_REPOSITORY:-}" ] && [ -n "$codename" ] && command -v curl >/dev/null; then
  auth=()
  [ -n "${GITHUB_TOKEN:-}" ] && auth=(--config <(printf 'header = "Authorization: Bearer %s"\n' "$GITHUB_TOKEN"))
  release=$(curl -sS --fail --max-time 30 "${auth[@]}" \
    "$api/repos/$ACTION_REPOSITORY/releases/tags/v$version" 2>/dev/null || true)
  name="perfgate_$version-1~${codename}_$arch.deb"
  [ -n "$release" ] || release='{}'
  url=$(jq -r --arg name "$name" '.assets[]? | select(.name == $name) | .browser_download_url' \
    <<< "$release" 2>/dev/null | head -1 || true)
  if [ -n "$url" ]; then
    deb="$(mktemp -d)/$name"
    if curl -sSL --fail --max-time 120 -o "$deb" "$url"; then
      $sudo apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$deb"
      found /usr/bin/perfgate
    fi
    echo "perfgate: could not download $name; building instead"
  else
    echo "perfgate: release v$version has no $name; building from source"
  fi
fi

bash "$source_dir/scripts/setup.sh" --build
cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release --log-level=WARNING \
  -DPERFGATE_BUILD_TESTS=OFF -DPERFGATE_BUILD_BENCH=OFF
cmake --build "$build_dir" --target perfgate -j "$(nproc)"
found "$build_dir/perfgate"
