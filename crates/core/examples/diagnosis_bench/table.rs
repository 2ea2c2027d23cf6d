//! The table the benchmark prints: one row per profile, then the median over profiles.

use serde::Serialize;

use crate::stats::Summary;

/// What one profile got and how long each way of diagnosing it took.
#[derive(Debug, Serialize)]
pub struct ProfileFigures {
    pub name: String,
    /// Fields answered, 「わからない」 included.
    pub answered: usize,
    pub eligible: usize,
    pub conditional: usize,
    pub needs_info: usize,
    pub ineligible: usize,
    /// `Context::new` + `RuleSet::evaluate_into`: every node's state, no text.
    pub eval_us: Summary,
    /// The above, and the 20 best ranked in order.
    pub ranked_us: Summary,
    /// The above, ranked, and the shown results explained: `diagnose` without the next question.
    pub shown_us: Summary,
    /// `next_question` alone, on an evaluation already made.
    pub question_us: Summary,
    /// `diagnose(.., Some(20))`: the above and the next question.
    pub diagnose_us: Summary,
}

const NAME_COLUMNS: usize = 36;

pub fn print_header() {
    let group = |label: &str| format!("{label:>8} {:>7} {:>7}", "p50", "p99");
    println!(
        "{} {:>3} {:>4} {:>4} {:>5} {:>5} | {} | {:>6} | {} | {:>6} | {} {:>4}",
        pad("profile", NAME_COLUMNS),
        "ans",
        "elig",
        "cond",
        "need",
        "inel",
        group("eval"),
        "ranked",
        group("shown20"),
        "next q",
        group("diagnose"),
        "runs"
    );
}

pub fn print_row(row: &ProfileFigures) {
    let group = |s: Summary| format!("{:>8.1} {:>7.1} {:>7.1}", s.mean, s.p50, s.p99);
    println!(
        "{} {:>3} {:>4} {:>4} {:>5} {:>5} | {} | {:>6.0} | {} | {:>6.0} | {} {:>4}",
        pad(&row.name, NAME_COLUMNS),
        row.answered,
        row.eligible,
        row.conditional,
        row.needs_info,
        row.ineligible,
        group(row.eval_us),
        row.ranked_us.mean,
        group(row.shown_us),
        row.question_us.mean,
        group(row.diagnose_us),
        row.diagnose_us.iterations
    );
}

/// The median over profiles of each profile's mean and p99, and the slowest profile's mean.
pub fn print_summary(figures: &[ProfileFigures]) {
    println!("\nmedian over profiles (µs):     mean      p99   slowest profile's mean");
    print_summary_line(figures, "raw evaluation", |f| f.eval_us);
    print_summary_line(figures, "evaluated and ranked", |f| f.ranked_us);
    print_summary_line(figures, "20 shown, explained", |f| f.shown_us);
    print_summary_line(figures, "next question alone", |f| f.question_us);
    print_summary_line(figures, "diagnose (+ next question)", |f| f.diagnose_us);
}

fn print_summary_line(
    figures: &[ProfileFigures],
    label: &str,
    pick: impl Fn(&ProfileFigures) -> Summary,
) {
    let median = |stat: fn(Summary) -> f64| {
        let mut v: Vec<f64> = figures.iter().map(|f| stat(pick(f))).collect();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let slowest = figures
        .iter()
        .map(|f| pick(f).mean)
        .fold(f64::NAN, f64::max);
    println!(
        "  {label:<26} {:>8.1} {:>8.1} {slowest:>8.1}",
        median(|s| s.mean),
        median(|s| s.p99),
    );
}

/// Pads (or cuts) to display columns: Japanese characters take two.
fn pad(name: &str, columns: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in name.chars() {
        let width = if c.is_ascii() { 1 } else { 2 };
        if used + width > columns {
            break;
        }
        out.push(c);
        used += width;
    }
    out.push_str(&" ".repeat(columns - used));
    out
}
