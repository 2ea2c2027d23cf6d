//! `madoguchi classify`: the 中小企業基本法 size classes for one company, with the reasons.

use anyhow::Context;
use madoguchi_core::eligibility::classify;
use madoguchi_core::japanese_amount::parse_japanese_yen;
use madoguchi_core::reference::JsicCode;

use crate::cli::{ClassifyArgs, OutputFormat};

pub fn run(args: &ClassifyArgs) -> anyhow::Result<()> {
    let industry = args.industry.as_deref().map(JsicCode::parse).transpose()?;
    let capital = args
        .capital
        .as_deref()
        .map(parse_japanese_yen)
        .transpose()
        .context("--capital の値を確認してください。")?;
    let employees = args.employees.as_deref().map(parse_headcount).transpose()?;
    let result = classify(industry, capital, employees);
    match args.format {
        OutputFormat::Json => crate::output::emit_json(&result)?,
        OutputFormat::Text => {
            let yes_no = |v: Option<bool>| match v {
                Some(true) => "該当する",
                Some(false) => "該当しない",
                None => "この情報だけでは判断できません",
            };
            println!("業種区分: {}", result.industry_class);
            println!("中小企業者: {}", yes_no(result.sme));
            println!("小規模企業者: {}", yes_no(result.small_business));
            for reason in &result.reasons {
                println!("  ・{reason}");
            }
        }
    }
    Ok(())
}

fn parse_headcount(raw: &str) -> anyhow::Result<u32> {
    let trimmed = raw.trim().trim_end_matches(['人', '名']);
    trimmed.parse().with_context(|| {
        format!("--employees「{raw}」は従業員数として読み取れません。0以上の整数（例：12）で指定してください。")
    })
}
