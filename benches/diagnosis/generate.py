#!/usr/bin/env python3
"""Writes the synthetic catalogue and the business profiles the diagnosis benchmark reads.

Usage: benches/diagnosis/generate.py OUT_DIR [N, default 10000]
Writes OUT_DIR/programs.json (N programs in madoguchi's own format, each with a `rule`) and
copies benches/diagnosis/profiles.json there (20 businesses a desk would see: complete, partly
answered, coarse, with 「わからない」, and nothing answered yet). Both engines of the benchmark
read these same files. Deterministic: the same N gives the same bytes.

The records come from benches/generate_programs.py (titles, kinds, purposes, amounts, rounds);
this script gives each a real issuer from data/reference/local_gov.tsv and a rule shaped like
the demo catalogue's (data/demo/catalogue/*.json): the issuer's area, a size requirement (the
law's 中小企業者 / 小規模企業者 facts, or headcount and capital ceilings), みなし大企業 excluded,
industries, years since founding, no tax arrears, purposes, `any` groups and manual checks.
About six conditions per rule on average (printed on stderr).
"""
import json
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benches"))
from generate_programs import program as base_program  # noqa: E402

SEED = 20261123
# The prefectures of benches/diagnosis/profiles.json: half of the local programs are there, so
# that each business meets programs of its own area, as at a real desk.
HOME_PREFECTURES = ["鹿児島県", "東京都", "神奈川県", "石川県", "三重県", "秋田県", "岐阜県", "北海道",
                    "大阪府", "福岡県", "愛知県", "熊本県", "宮城県", "沖縄県", "長野県", "広島県"]
MUNICIPAL_KINDS = {"city", "special_ward", "town", "village"}
NATIONAL_INSTITUTIONS = ["中小企業庁", "厚生労働省", "経済産業省", "日本政策金融公庫", "環境省"]
NATIONAL_FLAGS = ["employment_insurance", "wage_increase_plan", "support_organization", "innovation_plan"]
MANUAL_CHECKS = ["事業着手前に申請すること", "gBizIDプライムを取得していること", "商工会又は商工会議所の支援を受けること",
                 "補助事業を年度内に完了すること", "暴力団等の反社会的勢力でないこと", "同一の経費で他の補助金を受けていないこと"]


def read_local_govs():
    """Every row of the bundled 全国地方公共団体コード table: (code, kind, prefecture, name)."""
    rows = []
    for line in (ROOT / "data/reference/local_gov.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            code, kind, prefecture, name = line.split("\t")[:4]
            rows.append((code, kind, prefecture, name))
    return rows


class Places:
    """Real issuers, drawn half from the profiles' prefectures and half from all of Japan."""

    def __init__(self, rows):
        self.prefectures = [r for r in rows if r[1] == "prefecture"]
        self.municipalities = [r for r in rows if r[1] in MUNICIPAL_KINDS]
        self.home_prefectures = [r for r in self.prefectures if r[2] in HOME_PREFECTURES]
        self.home_municipalities = [r for r in self.municipalities if r[2] in HOME_PREFECTURES]

    def pick(self, rng, level):
        home, everywhere = ((self.home_prefectures, self.prefectures) if level == "prefectural"
                            else (self.home_municipalities, self.municipalities))
        return rng.choice(home if rng.random() < 0.5 else everywhere)

    def neighbours(self, rng, row, k):
        same = [r for r in self.municipalities if r[2] == row[2] and r != row]
        return rng.sample(same, min(k, len(same)))


def field(name, op, value):
    return {"field": name, "op": op, "value": value}


def size_rule(rng):
    """The size requirement, as real outlines write it."""
    roll = rng.random()
    if roll < 0.35:
        return [{"fact": "sme"}, {"not": {"fact": "deemed_large"}}]
    if roll < 0.55:
        return [{"any": [{"fact": "sme"}, field("org_form", "in", ["npo", "general_association"])],
                 "source": "公募要領 補助対象者"}]
    if roll < 0.65:
        return [{"fact": "small_business"}]
    if roll < 0.85:
        return [field("employees", "le", rng.choice([5, 20, 50, 100, 300]))]
    return [{"any": [field("capital", "le", rng.choice([300_000_000, 100_000_000, 50_000_000])),
                     field("employees", "le", rng.choice([50, 100, 300]))]}]


def rule_for(record, level, area_codes, rng):
    conditions = []
    if area_codes:
        conditions.append(field("municipality", "within", area_codes))
    else:
        conditions.append(field(rng.choice(NATIONAL_FLAGS), "eq", True))
    conditions += size_rule(rng)
    industries = record["industries"]
    if industries["scope"] == "only":
        conditions.append(field("industry", "industry_in", industries["codes"]))
    elif rng.random() < 0.3:
        conditions.append({"not": field("industry", "industry_in", ["A", "B"])})
    roll = rng.random()
    if roll < 0.3:
        conditions.append({"any": [field("org_form", "eq", "planning"),
                                   {"fact": "years_since_founding", "op": "lt", "value": 5}]})
    elif roll < 0.5:
        conditions.append({"fact": "years_since_founding", "op": "ge", "value": rng.choice([1, 2, 3])})
    if rng.random() < (0.8 if level != "national" else 0.3):
        conditions.append(field("tax_arrears", "eq", False))
    if rng.random() < 0.6:
        conditions.append(field("purposes", "contains", record["purposes"]))
    if rng.random() < 0.75:
        for text in rng.sample(MANUAL_CHECKS, 2 if rng.random() < 0.2 else 1):
            conditions.append({"manual": text, "source": "公募要領"})
    return {"all": conditions}


def synthetic_program(i, places, rng):
    record = base_program(i, rng)
    old_name = record["issuer"]["name"].replace("国", "")
    level = "national" if i % 20 < 3 else "prefectural" if i % 20 < 8 else "municipal"
    if level == "national":
        issuer = {"level": "national", "name": "国", "institution": rng.choice(NATIONAL_INSTITUTIONS)}
        area_codes = []
        record["areas"] = {"scope": "nationwide"}
    else:
        row = places.pick(rng, level)
        full_name = row[3] if level == "prefectural" else row[2] + row[3]
        issuer = {"level": level, "code": row[0], "name": full_name, "institution": "産業振興課"}
        area_codes = [row[0]]
        if level == "municipal" and rng.random() < 0.2:
            # A 広域 program of several neighbouring municipalities.
            area_codes += [r[0] for r in places.neighbours(rng, row, rng.randint(1, 3))]
        record["areas"] = {"scope": "local", "codes": area_codes}
    record["issuer"] = issuer
    record["title"] = record["title"].replace(old_name, issuer["name"].replace("国", ""), 1)
    record["rule"] = rule_for(record, level, area_codes, rng)
    return record


def count_conditions(rule):
    """Leaf conditions of a rule tree (manual checks included)."""
    for key in ("all", "any"):
        if key in rule:
            return sum(count_conditions(child) for child in rule[key])
    if "not" in rule:
        return count_conditions(rule["not"])
    return 1


def main():
    out = Path(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    rng = random.Random(SEED)
    places = Places(read_local_govs())
    programs = [synthetic_program(i, places, rng) for i in range(n)]
    out.mkdir(parents=True, exist_ok=True)
    (out / "programs.json").write_text(json.dumps(programs, ensure_ascii=False), encoding="utf-8")
    shutil.copyfile(Path(__file__).with_name("profiles.json"), out / "profiles.json")
    leaves = sum(count_conditions(p["rule"]) for p in programs) / n
    print(f"{n} programs, {leaves:.2f} conditions per rule on average -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
