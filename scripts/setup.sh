#!/usr/bin/env bash
# Installs what perfgate needs, from the distribution's packages only, in layers:
#   --runtime    what running the perfgate binary needs (its shared libraries)
#   --build      and what building it needs (compiler, CMake, Ninja, the -dev packages)
#   --test       and what the test suite needs (GoogleTest, xmllint, Chromium, jsonschema,
#                dpkg-dev); this is the default, and what the README's commands use
#   --hardening  and clang with its sanitizer and libFuzzer runtimes (scripts/harden.sh)
# Supported: Debian 12 (Boost 1.81), Debian 13 and Ubuntu 24.04 (Boost 1.83); package names
# are picked by what the system offers. Idempotent: packages already installed are skipped,
# and apt is not touched at all when nothing is missing. Run as root (or with sudo).
set -euo pipefail

layer=test
hardening=false
for arg in "$@"; do
  case "$arg" in
    --runtime) layer=runtime ;;
    --build) layer=build ;;
    --test) layer=test ;;
    --hardening) hardening=true ;;
    *) echo "setup: unknown option $arg (known: --runtime, --build, --test, --hardening)" >&2; exit 2 ;;
  esac
done

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# The first of the names given that is installed, else the first the package lists offer;
# nothing when none is known. Debian 12 and Debian 13 / Ubuntu 24.04 name several libraries
# differently (Boost's version, the time_t transition's "t64", yaml-cpp's soname).
pick() {
  local name
  for name in "$@"; do
    if installed "$name"; then echo "$name"; return; fi
  done
  for name in "$@"; do
    if apt-cache show "$name" >/dev/null 2>&1; then echo "$name"; return; fi
  done
}

# A fresh machine has no package lists yet: read them when Boost's name is not known.
lists_read=false
if [ -z "$(pick libboost-json1.83-dev libboost-json1.81-dev)" ]; then
  $sudo apt-get update -qq
  lists_read=true
fi
# Like pick, failing when the system offers none of the names.
pick_or_fail() {
  local found
  found=$(pick "$@")
  if [ -z "$found" ]; then
    echo "setup: none of $* is offered on this system; perfgate supports Debian 12 and 13 and Ubuntu 24.04" >&2
    exit 1
  fi
  echo "$found"
}

boost_dev=$(pick_or_fail libboost-json1.83-dev libboost-json1.81-dev)
boost=${boost_dev#libboost-json}
boost=${boost%-dev}
curl=$(pick_or_fail libcurl4t64 libcurl4)
yaml=$(pick_or_fail libyaml-cpp0.8 libyaml-cpp0.7)

packages=(
  "libboost-json$boost.0" "libboost-program-options$boost.0"
  "$curl" "$yaml"
  ca-certificates  # curl checks Sentry's certificate against these
)
if [ "$layer" != runtime ]; then
  packages+=(
    g++ cmake ninja-build pkg-config
    # Boost components. libboost1.8x-dev (their headers, pulled in as a dependency) conflicts
    # with the distribution's default libboost-dev, so the components are named one by one.
    "libboost-json$boost-dev" "libboost-program-options$boost-dev" "libboost-math$boost-dev"
    libcurl4-openssl-dev libyaml-cpp-dev
    zlib1g-dev  # perfgate record gunzips what SDKs send (zlib1g itself is in every system)
  )
fi
browser_note=""
if [ "$layer" = test ]; then
  packages+=(
    libgtest-dev
    # xmllint validates the JUnit report against its schema; python3-jsonschema (with
    # python3-yaml) validates the configs against docs/thresholds.schema.json; dpkg-dev
    # (dpkg-shlibdeps) makes the .deb whose contents a test checks; git, curl and jq run the
    # GitHub action's scripts.
    libxml2-utils python3-jsonschema python3-yaml dpkg-dev file git curl jq
  )
  # Headless Chromium loads and screenshots the HTML report. Ubuntu's chromium package only
  # installs a snap, which does not run in containers: there the browser tests are skipped.
  if grep -qs '^ID=debian' /etc/os-release; then
    packages+=(chromium)
  else
    browser_note=" (no chromium: not Debian, so the browser tests will be skipped)"
  fi
fi
if $hardening; then packages+=(clang libclang-rt-dev); fi

missing=()
for package in "${packages[@]}"; do
  if ! installed "$package"; then missing+=("$package"); fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages for --$layer are installed$browser_note"
  exit 0
fi

echo "setup: installing ${missing[*]}$browser_note"
$lists_read || $sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
