//! The dashboard's charts, drawn on the server as SVG with `plotters`.
//!
//! Why plotters: it is the most used and longest maintained Rust plotting library, and its
//! SVG backend is plain string writing. Built with only `svg_backend` and `line_series`
//! (no `ttf`, no `ab_glyph`), it measures text with its built-in estimate and never loads
//! a font from the system, so charts draw the same offline, in CI and in a container
//! without fonts; the browser renders the `<text>` with the page's fonts.
//!
//! A chart is a picture of a table that sits beside it; the SVG is marked as an image
//! labelled by the table's caption, and counts under five are drawn as zero, as the table
//! shows them as 「5未満」. No JavaScript is involved.

use madoguchi_core::analytics::{FunnelStep, SUPPRESS_BELOW, TrendDay};
use plotters::prelude::*;

const WIDTH: u32 = 720;
const HEIGHT: u32 = 300;
/// Digital Agency design tokens: blue 900, green 800, orange 800 (each AA on white).
const BLUE: RGBColor = RGBColor(0x00, 0x17, 0xC1);
const GREEN: RGBColor = RGBColor(0x11, 0x5A, 0x36);
const ORANGE: RGBColor = RGBColor(0xA5, 0x3A, 0x00);
const GREY: RGBColor = RGBColor(0x75, 0x75, 0x75);

/// One line of the trend: its legend, its colour and the count it draws per day.
type TrendLine = (&'static str, RGBColor, fn(&TrendDay) -> u64);

/// A count as the chart may draw it: suppressed counts as zero.
fn drawn(n: u64) -> u64 {
    if n < SUPPRESS_BELOW { 0 } else { n }
}

/// The daily trend of diagnoses started and finished and consultations filed, labelled
/// for screen readers by the element `labelled_by`.
pub fn trend_svg(days: &[TrendDay], labelled_by: &str) -> String {
    let series: [TrendLine; 3] = [
        ("診断の開始", BLUE, |d| d.started),
        ("診断の完了", GREEN, |d| d.finished),
        ("相談の申込み", ORANGE, |d| d.consultations),
    ];
    let max = days
        .iter()
        .flat_map(|d| series.iter().map(move |(_, _, f)| drawn(f(d))))
        .max()
        .unwrap_or(0)
        .max(10);
    let last = days.len().saturating_sub(1).max(1);
    let label = |i: &usize| {
        days.get(*i)
            .and_then(|d| d.day)
            .map(|d| format!("{}/{}", u8::from(d.month()), d.day()))
            .unwrap_or_default()
    };
    let mut svg = String::new();
    let drew = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(56)
            .build_cartesian_2d(0..last, 0..max + max / 10)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(GREY.mix(0.3))
            .x_labels(8)
            .x_label_formatter(&label)
            .y_labels(6)
            .draw()?;
        for (name, color, value) in series {
            chart
                .draw_series(LineSeries::new(
                    days.iter().enumerate().map(|(i, d)| (i, drawn(value(d)))),
                    color.stroke_width(2),
                ))?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 16, y)], color.stroke_width(3))
                });
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.9))
            .border_style(GREY)
            .position(SeriesLabelPosition::UpperLeft)
            .draw()?;
        root.present()?;
        Ok(())
    })();
    finish(svg, drew.is_ok(), labelled_by)
}

/// The funnel as bars, one per step.
pub fn funnel_svg(steps: &[FunnelStep], labelled_by: &str) -> String {
    let max = steps.iter().map(|s| drawn(s.n)).max().unwrap_or(0).max(10);
    let colors = [BLUE, GREEN, ORANGE];
    let label = |i: &usize| {
        steps
            .get(*i)
            .map(|s| s.label.to_owned())
            .unwrap_or_default()
    };
    let mut svg = String::new();
    let drew = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(56)
            .build_cartesian_2d((0..steps.len()).into_segmented(), 0..max + max / 10)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(GREY.mix(0.3))
            .x_label_formatter(&|seg| match seg {
                SegmentValue::CenterOf(i) => label(i),
                _ => String::new(),
            })
            .y_labels(6)
            .draw()?;
        chart.draw_series(steps.iter().enumerate().map(|(i, step)| {
            let color = colors[i % colors.len()];
            let mut bar = Rectangle::new(
                [
                    (SegmentValue::Exact(i), 0),
                    (SegmentValue::Exact(i + 1), drawn(step.n)),
                ],
                color.filled(),
            );
            bar.set_margin(0, 0, 24, 24);
            bar
        }))?;
        root.present()?;
        Ok(())
    })();
    finish(svg, drew.is_ok(), labelled_by)
}

/// The SVG marked as an image labelled by the table's caption, or nothing when it could
/// not be drawn (the table beside it still says everything).
fn finish(svg: String, drew: bool, labelled_by: &str) -> String {
    if !drew || !svg.starts_with("<svg") {
        return String::new();
    }
    // `labelled_by` is one of this module's callers' constant ids, never input.
    svg.replacen(
        "<svg ",
        &format!(r#"<svg role="img" aria-labelledby="{labelled_by}" focusable="false" "#),
        1,
    )
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn a_trend_is_an_svg_image_labelled_by_its_table() {
        let days: Vec<TrendDay> = (1..=30)
            .map(|d| TrendDay {
                day: date!(2026 - 08 - 01).replace_day(d).ok(),
                started: u64::from(d) * 3,
                finished: u64::from(d),
                ..TrendDay::default()
            })
            .collect();
        let svg = trend_svg(&days, "trend-caption");
        assert!(
            svg.starts_with(r#"<svg role="img" aria-labelledby="trend-caption""#),
            "{svg}"
        );
        // Which days carry a label is the plotting library's choice; that they read 月/日 is ours.
        let labels: Vec<&str> = svg.lines().map(str::trim).collect();
        assert!(
            (1..=30).any(|d| labels.contains(&format!("8/{d}").as_str())),
            "{svg}"
        );
        assert!(svg.contains("診断の開始"));
    }

    #[test]
    fn small_counts_are_drawn_as_zero_and_an_empty_period_still_draws() {
        assert_eq!(drawn(4), 0);
        assert_eq!(drawn(5), 5);
        assert!(trend_svg(&[], "x").starts_with("<svg"));
        let steps = [
            FunnelStep {
                label: "診断の開始",
                n: 40,
            },
            FunnelStep {
                label: "相談の申込み",
                n: 2,
            },
        ];
        assert!(funnel_svg(&steps, "funnel-caption").contains("<rect"));
    }
}
