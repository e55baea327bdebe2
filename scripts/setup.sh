#!/usr/bin/env bash
# Installs what perfgate needs to build and test, from Debian packages only.
# Idempotent: packages already installed are skipped, and apt is not touched at all
# when nothing is missing. Run as root (or with sudo available).
# With --hardening it also installs clang and its sanitizer and libFuzzer runtimes, for
# scripts/harden.sh.
set -euo pipefail

hardening=false
for arg in "$@"; do
  case "$arg" in
    --hardening) hardening=true ;;
    *) echo "setup: unknown option $arg (known: --hardening)" >&2; exit 2 ;;
  esac
done

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

# Boost's component packages carry their version in the name: 1.81 on Debian 12, 1.83 on
# Debian 13 and Ubuntu 24.04. Take the version already installed, else the newest the
# package lists offer (reading them first on a machine that has none yet).
boost_version() {
  for version in 1.83 1.81; do
    if dpkg-query -W -f='${Status}' "libboost-json$version-dev" 2>/dev/null | grep -q 'install ok installed'; then
      echo "$version"; return
    fi
  done
  for version in 1.83 1.81; do
    if apt-cache show "libboost-json$version-dev" >/dev/null 2>&1; then echo "$version"; return; fi
  done
}
boost=$(boost_version)
if [ -z "$boost" ]; then
  $sudo apt-get update -qq
  boost=$(boost_version)
fi
if [ -z "$boost" ]; then
  echo "setup: no Boost 1.81 or 1.83 packages (libboost-json1.8x-dev) on this system; perfgate needs Debian 12 or 13 or Ubuntu 24.04" >&2
  exit 1
fi

packages=(
  g++ cmake ninja-build pkg-config
  # Boost components. libboost1.8x-dev (their headers, pulled in as a dependency) conflicts
  # with the distribution's default libboost-dev, so the components are named one by one.
  "libboost-json$boost-dev" "libboost-program-options$boost-dev" "libboost-math$boost-dev"
  libcurl4-openssl-dev libyaml-cpp-dev
  libgtest-dev
  # xmllint validates the JUnit report against its schema in the tests; headless Chromium
  # loads and screenshots the HTML report in the tests.
  libxml2-utils chromium
)
if $hardening; then packages+=(clang libclang-rt-dev); fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages are installed"
  exit 0
fi

echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
