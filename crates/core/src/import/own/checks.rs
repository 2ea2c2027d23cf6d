//! What an imported program must satisfy beyond its own types, whichever own format it came in.

use crate::eligibility::Rule;
use crate::import::sanitize::sanitize_detail;
use crate::program::{Program, TargetAreas};
use crate::reference::local_gov;

/// Checks references and cleans `detail`; returns the program and what staff should know.
pub(super) fn checked(mut program: Program) -> Result<(Program, Vec<String>), String> {
    program.validate().map_err(|e| e.to_string())?;
    let mut warnings = Vec::new();
    if let Some(code) = program.issuer.code() {
        let gov = local_gov(code).ok_or_else(|| {
            format!("発行元コード「{code}」の自治体がありません。全国地方公共団体コードを確認してください。")
        })?;
        if gov.full_name() != program.issuer.name() && gov.name != program.issuer.name() {
            warnings.push(format!(
                "発行元名「{}」がコード{code}の自治体名「{}」と違います。",
                program.issuer.name(),
                gov.full_name()
            ));
        }
    }
    if let TargetAreas::Local(codes) = &program.areas
        && let Some(unknown) = codes.iter().find(|c| local_gov(**c).is_none())
    {
        return Err(format!(
            "対象地域のコード「{unknown}」の自治体がありません。全国地方公共団体コードを確認してください。"
        ));
    }
    if let Some(Err(errors)) = program.rule.as_deref().map(Rule::validate) {
        let problems: Vec<String> = errors.iter().map(ToString::to_string).collect();
        warnings.push(format!(
            "対象条件に問題があります。条件を見直してください：{}",
            problems.join("／")
        ));
    }
    let clean = sanitize_detail(&program.detail);
    if clean != program.detail {
        warnings.push("詳細のHTMLから使えないタグ・属性を取り除きました。".to_owned());
        program.detail = clean;
    }
    Ok((program, warnings))
}
