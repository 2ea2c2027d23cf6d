#!/usr/bin/env bash
# Regenerates data/reference/industry_readings.tsv: the readings (かな) of the industry finder's
# everyday words and class names, from IPADIC (Debian: apt-get install mecab-ipadic), with the
# hand corrections of data/reference/industry_readings_overrides.tsv applied. Nothing is fetched.
# Run after editing industry_words.tsv or the overrides; then `cargo test -p madoguchi-core jsic`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
cargo run --release -q -p madoguchi-search --example industry_readings -- \
  data/reference/industry_readings_overrides.tsv data/reference/industry_readings.tsv
