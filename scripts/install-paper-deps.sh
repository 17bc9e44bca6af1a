#!/usr/bin/env bash
# Installs what building paper/relais.pdf needs (LaTeX, pgfplots, latexmk). Not part of CI and not
# in scripts/install-deps.sh: the experiments and their tests do not need it.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends \
  texlive-latex-base texlive-latex-extra texlive-pictures texlive-science texlive-fonts-recommended latexmk
