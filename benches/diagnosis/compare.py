#!/usr/bin/env python3
"""Side-by-side table of the diagnosis benchmark: madoguchi against json-rules-engine.

Usage: benches/diagnosis/compare.py RUST_RUN.json... -- JRE_RUN.json...
Each file is one run of one side (crates/core/examples/diagnosis_bench --out, and
benches/diagnosis/json-rules-engine.mjs --out). The machine is shared, so each figure is the
median over runs of that run's figure; the ratio is json-rules-engine's time over madoguchi's.
"""
import json
import statistics
import sys
import unicodedata


def load(paths):
    return [json.load(open(p, encoding="utf-8")) for p in paths]


def median_over_runs(runs, pick):
    """Per profile (by position), the median over runs of `pick(profile)`."""
    return [statistics.median(pick(run["profiles"][i]) for run in runs)
            for i in range(len(runs[0]["profiles"]))]


def pad(text, columns):
    """Pads by display columns: Japanese characters take two."""
    out, used = "", 0
    for c in text:
        width = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if used + width > columns:
            break
        out, used = out + c, used + width
    return out + " " * (columns - used)


def main():
    args = sys.argv[1:]
    split = args.index("--")
    rust, jre = load(args[:split]), load(args[split + 1:])
    names = [p["name"] for p in rust[0]["profiles"]]
    if names != [p["name"] for p in jre[0]["profiles"]]:
        sys.exit("the two sides did not run the same profiles")
    # A run from before a column existed shows it as nan.
    us = lambda key, stat: median_over_runs(rust, lambda p: p.get(key, {}).get(stat, float("nan")))  # noqa: E731
    eval_mean, eval_p50, eval_p99 = us("eval_us", "mean"), us("eval_us", "p50"), us("eval_us", "p99")
    ranked_mean = us("ranked_us", "mean")
    shown_mean, shown_p99 = us("shown_us", "mean"), us("shown_us", "p99")
    question_mean = us("question_us", "mean")
    diag_mean, diag_p50, diag_p99 = us("diagnose_us", "mean"), us("diagnose_us", "p50"), us("diagnose_us", "p99")
    jre_mean = median_over_runs(jre, lambda p: p["run_ms"]["mean"] * 1000)
    jre_p50 = median_over_runs(jre, lambda p: p["run_ms"]["p50"] * 1000)

    n = rust[0]["programs"]
    build = statistics.median(r["build_ms"] for r in rust)
    jre_build = statistics.median(r["build_ms"] for r in jre)
    print(f"\n{n} programs, {rust[0]['rule_nodes'] / n:.2f} rule nodes each; median of {len(rust)} madoguchi "
          f"and {len(jre)} json-rules-engine {jre[0]['version']} runs")
    print(f"build once: RuleSet::build {build:.1f} ms; json-rules-engine addRule x{n} {jre_build:.0f} ms\n")
    print(f"{pad('profile', 36)} | {'madoguchi µs: eval':>18} {'p50':>6} {'p99':>6} | {'ranked':>6} | {'shown20':>7} {'p99':>6} "
          f"| {'next q':>6} | {'diagnose':>8} {'p50':>6} {'p99':>6} | {'j-r-e ms':>8} | {'×eval':>6} {'×diag':>6}")
    for i, name in enumerate(names):
        print(f"{pad(name, 36)} | {eval_mean[i]:>18.1f} {eval_p50[i]:>6.0f} {eval_p99[i]:>6.0f} | {ranked_mean[i]:>6.0f} "
              f"| {shown_mean[i]:>7.0f} {shown_p99[i]:>6.0f} | {question_mean[i]:>6.0f} "
              f"| {diag_mean[i]:>8.0f} {diag_p50[i]:>6.0f} "
              f"{diag_p99[i]:>6.0f} | {jre_mean[i] / 1000:>8.1f} | {jre_mean[i] / eval_mean[i]:>6.0f} "
              f"{jre_mean[i] / diag_mean[i]:>6.0f}")
    med = statistics.median
    print("\nmedian over profiles of the per-profile mean:")
    print(f"  madoguchi raw evaluation          {med(eval_mean):>9.1f} µs   (p99 {med(eval_p99):.1f} µs)")
    print(f"  madoguchi evaluated and ranked    {med(ranked_mean):>9.1f} µs")
    print(f"  madoguchi 20 shown, explained     {med(shown_mean):>9.1f} µs   (p99 {med(shown_p99):.1f} µs)")
    print(f"  madoguchi next question alone     {med(question_mean):>9.1f} µs")
    print(f"  madoguchi diagnose (+ next q.)    {med(diag_mean):>9.1f} µs   (p99 {med(diag_p99):.1f} µs)")
    slowest = max(range(len(names)), key=lambda i: diag_mean[i])
    print(f"  slowest diagnose: {names[slowest]} {diag_mean[slowest]:.0f} µs (p50 {diag_p50[slowest]:.0f} µs); "
          f"profiles under 1 ms: {sum(d < 1000 for d in diag_mean)} of {len(names)} by the mean, "
          f"{sum(d < 1000 for d in diag_p50)} by the p50")
    print(f"  json-rules-engine engine.run      {med(jre_mean) / 1000:>9.1f} ms   (p50 {med(jre_p50) / 1000:.1f} ms)")
    ratio = lambda ours: med([j / o for j, o in zip(jre_mean, ours)])  # noqa: E731
    print(f"  ratio json-rules-engine / madoguchi: {ratio(eval_mean):.0f}× raw evaluation, "
          f"{ratio(shown_mean):.0f}× with 20 explained, {ratio(diag_mean):.0f}× full diagnose")
    lowest = min(range(len(names)), key=lambda i: jre_mean[i] / diag_mean[i])
    print(f"  lowest full-diagnose ratio: {jre_mean[lowest] / diag_mean[lowest]:.0f}× ({names[lowest]}); "
          f"profiles at 300× or more: {sum(j / d >= 300 for j, d in zip(jre_mean, diag_mean))} of {len(names)}")


if __name__ == "__main__":
    main()
