//! jGrants entries that are not calls for applications but administrative intakes.
//!
//! The live API lists the forms adopted businesses file later (撤回届, 変更届, 交付申請等,
//! 事業完了後の申請, 事前着手届) and a practice subsidy next to real calls. A business looking
//! for support has nothing to apply for there, so they are skipped with the reason.

/// Title fragments and why a record carrying one is not a program.
const INTAKES: &[(&[&str], &str)] = &[
    (
        &["撤回届", "中止届", "廃止届", "変更届", "辞退届", "事故報告"],
        "事務手続き用の届出様式のため取り込みません",
    ),
    (
        &["申請練習", "練習用"],
        "申請操作の練習用の受付のため取り込みません",
    ),
    (
        &["実績報告", "状況報告", "遂行状況", "財産処分"],
        "採択後の報告用の受付のため取り込みません",
    ),
    (
        &["交付申請等"],
        "採択済みの事業者が交付申請などを行う受付のため取り込みません",
    ),
    (
        &["事業完了後"],
        "事業完了後の手続き用の受付のため取り込みません",
    ),
    (
        &["事前着手届", "【事前着手】"],
        "採択前に事業へ着手するための届出の受付のため取り込みません",
    ),
];

/// Why a record with this title is an administrative intake, if it is one.
pub(super) fn intake_reason(title: &str) -> Option<String> {
    INTAKES.iter().find_map(|(fragments, reason)| {
        fragments.iter().find(|f| title.contains(**f)).map(|f| {
            format!(
                "{reason}（制度名に「{}」とあります）。",
                f.trim_matches(['【', '】'])
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn administrative_intakes_are_recognised_by_their_titles() {
        assert_eq!(
            intake_reason("【撤回届】ものづくり補助金").as_deref(),
            Some("事務手続き用の届出様式のため取り込みません（制度名に「撤回届」とあります）。")
        );
        assert!(intake_reason("申請練習用補助金").is_some());
        assert!(intake_reason("［第十回］事業再構築補助金（交付申請等）").is_some());
        assert!(intake_reason("令和８年_設備投資_事業完了後申請").is_some());
        assert!(
            intake_reason("【事前着手】令和8年度排出削減が困難な産業におけるエネルギー・製造プロセス転換支援事業")
                .is_some()
        );
    }

    #[test]
    fn real_calls_are_not_mistaken_for_intakes() {
        for title in [
            "【二次公募】令和８年度　二酸化炭素排出抑制対策事業費等補助金",
            "中小企業人材確保のための奨学金返還支援事業【令和８年度企業登録】",
            "令和８年度 第１回 事業承継支援助成金",
            "東京都民間事業者に係る低公害・低燃費車導入促進補助金（補助金申請）",
        ] {
            assert_eq!(intake_reason(title), None, "{title}");
        }
    }
}
