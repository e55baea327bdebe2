#!/usr/bin/env bash
# Installs what perfgate needs to build and test, from Debian packages only.
# Idempotent: packages already installed are skipped, and apt is not touched at all
# when nothing is missing. Run as root (or with sudo available).
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  # Boost 1.81 components. libboost1.81-dev (their headers, pulled in as a dependency)
  # conflicts with libboost1.74-dev, so the 1.81 component packages are named one by one.
  libboost-json1.81-dev libboost-program-options1.81-dev libboost-math1.81-dev
  libcurl4-openssl-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # xmllint validates the JUnit report against its schema in the tests; headless Chromium
  # loads and screenshots the HTML report in the tests.
  libxml2-utils chromium
)

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

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
