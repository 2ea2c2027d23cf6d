#!/usr/bin/env python3
"""Writes N synthetic programs in madoguchi's own JSON format, for import and search benchmarks.

Usage: benches/generate_programs.py N > programs.json

The programs are synthetic but shaped like real ones: real issuer codes, realistic titles built
from real program words, several purposes, areas, amounts, rates and rounds. Deterministic.
"""
import json
import random
import sys

ISSUERS = [
    ("national", None, "国", "中小企業庁"),
    ("national", None, "国", "厚生労働省"),
    ("prefectural", "240001", "三重県", "雇用経済部"),
    ("prefectural", "050008", "秋田県", "産業労働部"),
    ("prefectural", "460001", "鹿児島県", "商工労働水産部"),
    ("prefectural", "130001", "東京都", "産業労働局"),
    ("prefectural", "170003", "石川県", "商工労働部"),
    ("municipal", "462161", "鹿児島県日置市", "商工観光課"),
    ("municipal", "131113", "東京都大田区", "産業振興課"),
    ("municipal", "131075", "東京都墨田区", "経営支援課"),
    ("municipal", "212172", "岐阜県飛騨市", "商工課"),
    ("municipal", "172014", "石川県金沢市", "経済政策課"),
    ("municipal", "142018", "神奈川県横須賀市", "経済企画課"),
]
SUBJECTS = ["省力化投資", "IT導入", "販路開拓", "事業承継", "創業支援", "設備導入", "人材育成", "省エネ設備",
            "DX推進", "海外展開", "新商品開発", "店舗改装", "BCP策定", "賃上げ促進", "雇用環境改善", "脱炭素"]
KINDS = ["subsidy", "subsidy", "subsidy", "grant", "loan", "tax", "advice"]
SUFFIX = {"subsidy": "補助金", "grant": "助成金", "loan": "融資制度", "tax": "税制", "advice": "専門家派遣事業"}
PURPOSES = ["new_business", "sales_expansion", "succession", "research_development", "human_resources",
            "cash_flow", "equipment_it", "employment", "eco_sdgs", "community"]
INDUSTRIES = ["A", "D", "E", "G", "H", "I", "K", "L", "M", "N", "P", "R"]
RATES = ["1/2", "2/3", "3/4", "1/3", None]


def program(i, rng):
    level, code, name, institution = ISSUERS[i % len(ISSUERS)]
    kind = rng.choice(KINDS)
    subject = rng.choice(SUBJECTS)
    issuer = {"level": level, "name": name, "institution": institution}
    if code:
        issuer["code"] = code
    opens = f"2026-{rng.randint(4, 9):02d}-{rng.randint(1, 28):02d}T00:00:00+09:00"
    closes = f"2027-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}T23:59:59+09:00"
    p = {
        "id": f"synthetic-{i:06d}",
        "title": f"令和8年度 {name.replace('国', '')}{subject}{SUFFIX[kind]}（第{i % 7 + 1}回）",
        "summary": f"{subject}に取り組む中小企業・小規模事業者の経費の一部を支援します。",
        "kind": kind,
        "issuer": issuer,
        "purposes": sorted(rng.sample(PURPOSES, rng.randint(1, 3))),
        "industries": {"scope": "all"} if rng.random() < 0.6 else
                      {"scope": "only", "codes": sorted(rng.sample(INDUSTRIES, rng.randint(1, 4)))},
        "areas": {"scope": "nationwide"} if code is None else {"scope": "local", "codes": [code]},
        "amount": {"max": rng.choice([500_000, 1_000_000, 3_000_000, 10_000_000, 50_000_000])},
        "rounds": [{"opens": opens, "closes": closes}],
        "fiscal_year": 2026,
        "status": "open",
        "official_url": f"https://www.example.lg.jp/programs/{i}",
        "source": {"kind": "manual"},
    }
    rate = rng.choice(RATES)
    if rate:
        p["amount"]["rate"] = rate
    return p


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rng = random.Random(20261123)
    json.dump([program(i, rng) for i in range(n)], sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
