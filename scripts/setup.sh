#!/usr/bin/env bash
# Makes sure this machine can build coordbench: a Swift toolchain and the GNU Scientific
# Library headers (Debian package libgsl-dev). Installs libgsl-dev with apt when it is
# missing; without root or apt it stops and says what to install.
set -euo pipefail

if ! command -v swift >/dev/null 2>&1; then
    echo "error: no 'swift' on PATH. Install Swift 6.x (https://swift.org/install) and run this again." >&2
    exit 1
fi

have_gsl() {
    [ -f /usr/include/gsl/gsl_rng.h ] || { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists gsl; }
}

if ! have_gsl; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "error: the GNU Scientific Library (GSL) is missing and apt-get is not available." >&2
        echo "       Install GSL's development files with your package manager (Debian/Ubuntu: libgsl-dev," >&2
        echo "       Fedora: gsl-devel, macOS: brew install gsl) and run this again." >&2
        exit 1
    fi
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            SUDO=sudo
        else
            echo "error: the GNU Scientific Library (GSL) is missing, and installing it needs root." >&2
            echo "       Run: sudo apt-get install -y libgsl-dev   (then run this again)" >&2
            exit 1
        fi
    else
        SUDO=
    fi
    echo "==> installing libgsl-dev (GNU Scientific Library) with apt-get" >&2
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libgsl-dev >&2
fi
