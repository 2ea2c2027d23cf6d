//! `madoguchi diagnose`: one business profile against the whole catalogue in the database.

use anyhow::Context;
use madoguchi_core::eligibility::{Diagnosis, Profile, RuleSet, Verdict, diagnose};

use crate::cli::{DiagnoseArgs, OutputFormat};
use crate::config::Config;
use crate::dates;

pub async fn run(config: &Config, args: &DiagnoseArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.profile).with_context(|| {
        format!(
            "プロフィール {} を読み込めません。UTF-8のJSONファイルを指定してください。",
            args.profile.display()
        )
    })?;
    let profile = Profile::from_json(&text)
        .map_err(|errors| anyhow::anyhow!("{}：\n{errors}", args.profile.display()))?;
    let as_of = dates::as_of(args.as_of.as_deref())?;
    let store = config.open_migrated_store().await?;
    let programs = store.programs().await?;
    // A rule that fails validation is judged by the rule derived from the program record
    // (never 対象) until staff fix it; `check-rules` lists it.
    let (rules, _problems) = RuleSet::build(&programs);
    let diagnosis = diagnose(&programs, &rules, &profile, as_of, None);
    match args.format {
        OutputFormat::Json => crate::output::emit_json(&diagnosis)?,
        OutputFormat::Text => crate::output::emit(render_text(&diagnosis).as_bytes())?,
    }
    Ok(())
}

fn render_text(diagnosis: &Diagnosis) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "診断日: {}", diagnosis.as_of);
    for verdict in [
        Verdict::Eligible,
        Verdict::Conditional,
        Verdict::NeedsInfo,
        Verdict::Ineligible,
    ] {
        let group: Vec<_> = diagnosis
            .results
            .iter()
            .filter(|r| r.verdict == verdict)
            .collect();
        let _ = writeln!(out, "\n■ {}（{}件）", verdict.label(), group.len());
        if verdict == Verdict::Ineligible {
            // The full list of programs that do not fit helps no one on a terminal.
            continue;
        }
        for r in group {
            let _ = writeln!(out, "・{}［{}］", r.title, r.window.label());
            if !r.missing.is_empty() {
                let names: Vec<_> = r.missing.iter().map(|f| f.label()).collect();
                let _ = writeln!(out, "    未回答: {}", names.join("、"));
            }
            for hint in &r.hints {
                let _ = writeln!(out, "    ヒント: {hint}");
            }
        }
    }
    if let Some(q) = &diagnosis.next_question {
        let _ = writeln!(out, "\n次の質問: {}", q.question);
    }
    out
}
