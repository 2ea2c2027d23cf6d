//! The application / consultation sheet and the comparison, from a real diagnosis over the
//! demo catalogue on a real SQLite store: the printable page, the PDF's text (read back with
//! `pdftotext`), the choice of programs, and every refusal in Japanese.

// A panic in a test is a failing test with its message: unwrapping is the point here.
#![allow(clippy::unwrap_used)]

use axum::http::{StatusCode, header};

mod common;

use common::visitor::Visitor;
use common::{TestApp, demo_catalogue};

/// A 鹿児島県日置市 metal-products company, founded 2023: the demo's 新規開業資金 (which asks a
/// company for its 履歴事項全部証明書) fits it.
fn company(field: &str) -> Option<&'static [&'static str]> {
    Some(match field {
        "municipality" => &["日置市"],
        "industry" => &["24"],
        "org_form" => &["stock_company"],
        "employees" => &["12人"],
        "capital" => &["1000万円"],
        "founded" => &["2023-05-01"],
        "sales" => &["1億2000万円"],
        "purposes" => &["equipment_it"],
        "large_investment" => &["none"],
        "minimum_wage" => &["1000円"],
        "tax_arrears" => &["no"],
        _ => &["yes"],
    })
}

/// The same business as a 個人事業主 that knows only its place and form.
fn half_unknown(field: &str) -> Option<&'static [&'static str]> {
    match field {
        "municipality" => Some(&["日置市"]),
        "org_form" => Some(&["sole_proprietor"]),
        "founded" => Some(&["2024-04-01"]),
        _ => None,
    }
}

async fn demo_app() -> TestApp {
    TestApp::with_programs(&demo_catalogue()).await
}

const JFC: &str = "demo-jfc-shinki-kaigyo";
const JIZOKUKA: &str = "demo-jizokuka";

#[tokio::test]
async fn the_results_page_offers_each_program_to_choose_for_the_sheet_and_the_comparison() {
    let app = demo_app().await;
    let mut visitor = Visitor::new(&app);
    visitor.diagnose(company).await;
    let results = visitor.get("/diagnosis/results").await;
    assert_eq!(results.status, StatusCode::OK);
    assert!(results.html.contains("action=\"/diagnosis/sheet\""));
    assert!(results.html.contains("formaction=\"/diagnosis/compare\""));
    assert!(
        results
            .html
            .contains(&format!("name=\"p\" value=\"{JFC}\" id=\"choose-{JFC}\""))
    );
    // The results list what this company needs: the registry certificate, from 法務局.
    assert!(
        results.html.contains("履歴事項全部証明書"),
        "{}",
        results.html
    );
    assert!(results.html.contains("取得先：法務局"));
}

#[tokio::test]
async fn the_sheet_is_filled_from_the_answers_with_the_chosen_programs_and_their_documents() {
    let app = demo_app().await;
    let mut visitor = Visitor::new(&app);
    visitor.diagnose(company).await;
    let sheet = visitor
        .get(&format!("/diagnosis/sheet?p={JFC}&p={JIZOKUKA}"))
        .await;
    assert_eq!(sheet.status, StatusCode::OK, "{}", sheet.html);
    let html = &sheet.html;
    for expected in [
        "申請・相談シート",
        "所在地（市区町村）",
        "日置市",
        "業種（日本標準産業分類の中分類）",
        "（24）",
        "常時使用する従業員数",
        "12人",
        "令和5年",
        // Not asked by the wizard for this business: said so, never left blank.
        "未回答（要確認）",
        "結果のページで選んだ制度を載せています。",
        "新規開業・スタートアップ支援資金",
        "小規模事業者持続化補助金",
        "7,200万円",
        "履歴事項全部証明書",
        "取得先：法務局",
        "事業支援計画書（商工会・商工会議所が発行）",
        "様式は制度が用意",
        "日本政策金融公庫の各支店（国民生活事業）",
        "まだわからないこと・確認先",
        "公募要領などで確認が必要です",
        &format!("/diagnosis/sheet.pdf?p={JFC}&#38;p={JIZOKUKA}"),
    ] {
        assert!(html.contains(expected), "{expected} missing in {html}");
    }
    // Only the programs chosen: no other program's title.
    assert!(!html.contains("ものづくり・商業・サービス"), "{html}");
    // The answers are personal: no cache keeps the sheet.
    assert!(
        sheet.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("no-store")
    );
}

#[tokio::test]
async fn a_sole_proprietor_is_not_asked_for_the_registry_certificate() {
    let app = demo_app().await;
    let mut visitor = Visitor::new(&app);
    visitor.diagnose(half_unknown).await;
    let sheet = visitor.get(&format!("/diagnosis/sheet?p={JFC}")).await;
    assert_eq!(sheet.status, StatusCode::OK);
    assert!(
        sheet
            .html
            .contains("回答から不要と判断した書類：履歴事項全部証明書")
    );
    assert!(sheet.html.contains("創業計画書"));
}

#[tokio::test]
async fn a_profile_with_half_its_answers_unknown_gives_a_sheet_that_says_what_is_unknown() {
    let app = demo_app().await;
    let mut visitor = Visitor::new(&app);
    visitor.diagnose(half_unknown).await;
    let sheet = visitor.get("/diagnosis/sheet").await;
    assert_eq!(sheet.status, StatusCode::OK);
    let html = &sheet.html;
    assert!(html.contains("わからない（要確認）"), "{html}");
    assert!(html.contains("事業者の情報："), "{html}");
    assert!(html.contains("（窓口で伺います）"));
    // Nothing chosen: every 対象 program, or, with none, the reason why the list is empty.
    assert!(
        html.contains("「対象」と判定した制度をすべて載せています")
            && (html.contains("sheet-program") || html.contains("制度の欄は空です")),
        "{html}"
    );
}

#[tokio::test]
async fn without_answers_the_sheet_and_the_comparison_say_to_start_the_diagnosis() {
    let app = demo_app().await;
    let mut visitor = Visitor::new(&app);
    for path in [
        "/diagnosis/sheet".to_owned(),
        "/diagnosis/sheet.pdf".to_owned(),
        format!("/diagnosis/compare?p={JFC}&p={JIZOKUKA}"),
    ] {
        let page = visitor.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.html.contains("まだ回答がありません"), "{path}");
        assert!(page.html.contains("href=\"/diagnosis\""));
    }
}

#[tokio::test]
async fn an_unknown_program_on_the_sheet_is_named_not_hidden() {
    let app = demo_app().await;
    let mut visitor = Visitor::new(&app);
    visitor.diagnose(company).await;
    let sheet = visitor.get("/diagnosis/sheet?p=no-such-program").await;
    assert_eq!(sheet.status, StatusCode::OK);
    assert!(sheet.html.contains("選ばれた制度が見つかりませんでした"));
    assert!(sheet.html.contains("見つからなかった制度：no-such-program"));
}

#[tokio::test]
async fn the_pdf_embeds_a_japanese_font_and_its_text_can_be_extracted() {
    let app = demo_app().await;
    let mut visitor = Visitor::new(&app);
    visitor.diagnose(company).await;
    let pdf = visitor
        .get(&format!("/diagnosis/sheet.pdf?p={JFC}&p={JIZOKUKA}"))
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(pdf.body.starts_with(b"%PDF-"));
    // A subset of the bundled font, not the whole 2 MB file.
    assert!(pdf.body.len() < 400_000, "{} bytes", pdf.body.len());
    let Some(text) = pdftotext(&pdf.body) else {
        return;
    };
    for expected in [
        "申請・相談シート",
        "所在地（市区町村）",
        "日置市",
        "常時使用する従業員数",
        "12人",
        "新規開業・スタートアップ支援資金",
        "履歴事項全部証明書",
        "取得先：法務局",
        "まだわからないこと・確認先",
    ] {
        let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(squeezed.contains(expected), "{expected} missing in {text}");
    }
}

/// The PDF's text as `pdftotext` reads it; `None` (with the reason printed) where the tool
/// is absent, unless `MADOGUCHI_REQUIRE_PDFTOTEXT=1` makes that a failure.
fn pdftotext(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sheet.pdf");
    std::fs::write(&path, pdf).unwrap();
    match std::process::Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(out) => {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8(out.stdout).unwrap())
        }
        Err(err) => {
            assert!(
                std::env::var("MADOGUCHI_REQUIRE_PDFTOTEXT").as_deref() != Ok("1"),
                "pdftotext is required (MADOGUCHI_REQUIRE_PDFTOTEXT=1) but could not run: {err}"
            );
            println!(
                "skipped the PDF text check: pdftotext could not run ({err}); install poppler-utils"
            );
            None
        }
    }
}

#[tokio::test]
async fn two_to_four_programs_are_compared_side_by_side() {
    let app = demo_app().await;
    let mut visitor = Visitor::new(&app);
    visitor.diagnose(company).await;
    let page = visitor
        .get(&format!("/diagnosis/compare?p={JFC}&p={JIZOKUKA}"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    let html = &page.html;
    for expected in [
        "制度の比較",
        "<th scope=\"row\">上限額</th>",
        "7,200万円",
        "<th scope=\"row\">補助率</th>",
        "<th scope=\"row\">受付</th>",
        "満たす",
        "<th scope=\"row\">必要書類</th>",
        "履歴事項全部証明書",
        // The catalogue says nothing about combining programs: nothing is invented.
        "制度の案内をご確認ください",
        &format!("/diagnosis/sheet?p={JFC}&#38;p={JIZOKUKA}"),
    ] {
        assert!(html.contains(expected), "{expected} missing in {html}");
    }
}

#[tokio::test]
async fn fewer_than_two_or_more_than_four_programs_are_refused_in_japanese() {
    let app = demo_app().await;
    let mut visitor = Visitor::new(&app);
    visitor.diagnose(company).await;
    let one = visitor.get(&format!("/diagnosis/compare?p={JFC}")).await;
    assert_eq!(one.status, StatusCode::BAD_REQUEST);
    assert!(
        one.html
            .contains("2つ以上選んでください（いま1つ選ばれています）")
    );
    let five = visitor
        .get("/diagnosis/compare?p=a1&p=a2&p=a3&p=a4&p=a5")
        .await;
    assert_eq!(five.status, StatusCode::BAD_REQUEST);
    assert!(five.html.contains("一度に比べられるのは4つまでです"));
    let gone = visitor
        .get(&format!("/diagnosis/compare?p={JFC}&p=no-such-program"))
        .await;
    assert_eq!(gone.status, StatusCode::BAD_REQUEST);
    assert!(gone.html.contains("見つかりませんでした"));
}

#[tokio::test]
async fn the_program_page_lists_the_documents_this_business_needs() {
    let app = demo_app().await;
    let mut visitor = Visitor::new(&app);
    let before = visitor.get(&format!("/programs/{JFC}")).await;
    // Without answers: the condition in words, 「該当する場合」.
    assert!(before.html.contains("該当する場合"), "{}", before.html);
    visitor.diagnose(half_unknown).await;
    let after = visitor.get(&format!("/programs/{JFC}")).await;
    assert!(
        after
            .html
            .contains("診断の回答から、あなたに必要な書類を示しています。")
    );
    assert!(
        after
            .html
            .contains("回答から不要と判断した書類：履歴事項全部証明書")
    );
    assert!(
        after.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("no-store")
    );
}
