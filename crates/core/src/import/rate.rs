//! The subsidy rate read from the free text programs publish (「補助対象経費の３／４以内」).
//!
//! The text is always kept as published; a rate is only read where the text gives one as a
//! fraction (「2/3」, 「３分の１」) or, failing that, a percentage. Where it gives several
//! (「2/3 以内 又は 1/2 以内」, 「中小企業1／2、大企業等1／3」) the highest is taken, as the
//! model defines. Text without any (「定額」, 「公募要領を参照」) or with an impossible one
//! (「100%～150%」 of a tax) gives no rate rather than a guess.

use crate::program::SubsidyRate;
use crate::text::fold::half_width;

/// The rate a text states, if it states one plainly.
pub(crate) fn rate_from_text(text: &str) -> Option<SubsidyRate> {
    let folded: Vec<char> = text.chars().map(half_width).collect();
    let fractions = fractions(&folded);
    let candidates = if fractions.is_empty() {
        percentages(&folded)
    } else {
        fractions
    };
    // One impossible figure means the text is about something else than a rate.
    let rates: Option<Vec<SubsidyRate>> = candidates
        .into_iter()
        .map(|(n, d)| SubsidyRate::new(n, d).ok())
        .collect();
    rates?.into_iter().reduce(|best, r| {
        // Compare n1/d1 and n2/d2 exactly; the first wins a tie.
        let (lhs, rhs) = (
            u64::from(r.numerator()) * u64::from(best.denominator()),
            u64::from(best.numerator()) * u64::from(r.denominator()),
        );
        if lhs > rhs { r } else { best }
    })
}

/// 「2/3」 and 「3分の2」 as (numerator, denominator), in order of appearance.
fn fractions(chars: &[char]) -> Vec<(u32, u32)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some((first, after_first)) = number_at(chars, i) else {
            i += 1;
            continue;
        };
        let preceded_by_slash = i > 0 && chars[i - 1] == '/';
        if chars.get(after_first) == Some(&'/') && !preceded_by_slash {
            if let Some((second, end)) = number_at(chars, after_first + 1)
                && chars.get(end) != Some(&'/')
            {
                found.push((first, second));
                i = end;
                continue;
            }
        } else if chars.get(after_first..after_first + 2) == Some(&['分', 'の'])
            && let Some((second, end)) = number_at(chars, after_first + 2)
        {
            found.push((second, first));
            i = end;
            continue;
        }
        i = after_first;
    }
    found
}

/// 「45%」 as (45, 100) reduced, in order of appearance; decimals are not read.
fn percentages(chars: &[char]) -> Vec<(u32, u32)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match number_at(chars, i) {
            Some((n, end)) => {
                let decimal = i > 0 && chars[i - 1] == '.';
                if chars.get(end) == Some(&'%') && !decimal {
                    // Never zero: it divides 100.
                    let g = gcd(n, 100);
                    found.push((n / g, 100 / g));
                }
                i = end;
            }
            None => i += 1,
        }
    }
    found
}

/// The whole run of ASCII digits starting at `i` (not inside a longer number) and where it ends.
fn number_at(chars: &[char], i: usize) -> Option<(u32, usize)> {
    if i > 0 && chars[i - 1].is_ascii_digit() {
        return None;
    }
    let end = chars[i..]
        .iter()
        .position(|c| !c.is_ascii_digit())
        .map_or(chars.len(), |p| i + p);
    if end == i {
        return None;
    }
    let digits: String = chars[i..end].iter().collect();
    digits.parse().ok().map(|n| (n, end))
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(text: &str) -> Option<String> {
        rate_from_text(text).map(|r| r.to_string())
    }

    #[test]
    fn the_published_forms_of_one_rate_are_read() {
        assert_eq!(rate("1/2以内").as_deref(), Some("1/2"));
        assert_eq!(rate("補助対象経費の３／４").as_deref(), Some("3/4"));
        assert_eq!(rate("事業費の３分の１").as_deref(), Some("1/3"));
        assert_eq!(rate("10分の10").as_deref(), Some("10/10"));
        assert_eq!(rate("差額の2分の１").as_deref(), Some("1/2"));
    }

    #[test]
    fn of_several_rates_the_highest_is_taken() {
        assert_eq!(rate("2/3 以内 又は 1/2 以内").as_deref(), Some("2/3"));
        assert_eq!(
            rate("中小企業基本法で定める中小企業1／2、大企業等1／3、（詳細は公募要領に記載。）")
                .as_deref(),
            Some("1/2")
        );
        assert_eq!(
            rate("助成対象と認められる経費の2/3以内／小規模企業者が…経費は10/10以内").as_deref(),
            Some("10/10")
        );
        assert_eq!(
            rate("余剰率 40%以上 70%未満：1/2 • 余剰率 30%以上 40%未満：1/3").as_deref(),
            Some("1/2"),
            "fractions win over percentages that describe something else"
        );
    }

    #[test]
    fn percentages_are_read_only_without_fractions() {
        assert_eq!(rate("100%").as_deref(), Some("1/1"));
        assert_eq!(
            rate("21％～55％（ZEBランク、建物用途により異なる）").as_deref(),
            Some("11/20")
        );
        assert_eq!(rate("保証料の0.5%"), None);
    }

    #[test]
    fn text_without_a_plain_rate_gives_none() {
        assert_eq!(rate("定額"), None);
        assert_eq!(rate("公募要領を参照"), None);
        assert_eq!(rate("ー"), None);
        assert_eq!(rate("2500円/㎡"), None);
        assert_eq!(rate("対象労働者1人につき30万円（年度内に上限５人）"), None);
        assert_eq!(
            rate("固定資産税・都市計画税相当額の100％～150%"),
            None,
            "a figure above 100% is not a rate"
        );
        assert_eq!(rate("2026/3/31まで"), None, "dates are not fractions");
    }
}
