//! Side-job projects in the console, driven as a coordinator's browser would: a project
//! posted (a bad form comes back with every message beside its field and nothing typed
//! lost), the professionals the engine proposes with their reasons, the match approved,
//! each step to 完了 with both reviews, an old revision refused with a conflict page, every
//! change in the audit log, and 閲覧 refused on every project route.

#![allow(clippy::unwrap_used)]

mod common;
mod console_support;

use axum::http::StatusCode;
use madoguchi_core::desk::sample_registry;
use madoguchi_store::{AuditFilter, DeskActor, ExpertEntry, Role, Store};

use console_support::{Browser, Console, Page};

/// The example registry's side-job professionals (tal-01..03), saved as staff would.
async fn register_talents(store: &Store) {
    let admin = DeskActor {
        account_id: None,
        name: "テスト".to_owned(),
        client: None,
    };
    for sample in sample_registry() {
        if sample.expert.id.starts_with("tal-") {
            let entry = ExpertEntry {
                expert: sample.expert,
                contact: sample.contact,
                profile: sample.profile,
                account_id: None,
            };
            store.save_expert(&entry, &admin).await.unwrap();
        }
    }
}

fn project_fields<'a>(business: &'a str, hours: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("business", business),
        ("goal", "受注から出荷までの工程を見える化したい"),
        ("deliverable", "工程管理の表と運用の手順書"),
        ("hours_per_week", hours),
        ("work_style", "remote"),
        ("reward", "paid"),
        ("starts", "2027-04-01"),
        ("ends", "2027-09-30"),
        ("category", "data"),
        ("place", "131113"),
        ("tags", "生産管理、Excel"),
    ]
}

/// Posts a project and returns its page's path.
async fn post_project(browser: &mut Browser<'_>, business: &str) -> String {
    browser.get("/console/projects").await;
    let created = browser
        .post("/console/projects", &project_fields(business, "8"))
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let location = created.location();
    assert!(location.ends_with("?done=created"), "{location}");
    location.trim_end_matches("?done=created").to_owned()
}

/// Opens the project's page and posts one of its forms with the revision it shows.
async fn post_on_page(
    browser: &mut Browser<'_>,
    path: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> Page {
    let page = browser.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let revision = page.hidden("revision").unwrap();
    let mut all = vec![("revision", revision.as_str())];
    all.extend_from_slice(fields);
    browser.post(&format!("{path}/{action}"), &all).await
}

#[tokio::test]
async fn a_coordinator_posts_a_project_approves_a_proposed_professional_and_sees_it_through() {
    let console = Console::new(&[]).await;
    register_talents(&console.app.store).await;
    let coordinator = console.account("coordinator", Role::Staff).await;
    let mut browser = console.signed_in(&coordinator).await;

    let list = browser.get("/console/projects").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("<html lang=\"ja\">"));
    assert!(
        list.body
            .contains("<label for=\"project-business\">事業者名（必須）</label>")
    );
    assert!(
        list.body
            .contains("href=\"/console/projects\" aria-current=\"page\"")
    );

    // A bad form: every message beside its field, everything typed still there.
    let bad = browser
        .post("/console/projects", &project_fields("", "99"))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains(
        "<p id=\"project-business-error\" class=\"error\">事業者名を入力してください。</p>"
    ));
    assert!(bad.body.contains("aria-describedby=\"project-hours_per_week-hint project-hours_per_week-error\" aria-invalid=\"true\""));
    assert!(bad.body.contains("1から40までの整数"));
    assert!(bad.body.contains("<a href=\"#project-business\">"));
    assert!(bad.body.contains("value=\"99\""));
    assert!(
        bad.body
            .contains(">受注から出荷までの工程を見える化したい</textarea>")
    );
    assert!(bad.body.contains("value=\"生産管理、Excel\""));
    assert!(bad.body.contains("value=\"remote\" checked"));
    assert!(bad.body.contains("<option value=\"data\" selected>"));

    let path = post_project(&mut browser, "（例）大田精機株式会社").await;
    let page = browser.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("東京都大田区"), "{}", page.body);
    // The engine's proposals, best first, with reasons: tal-02 shares both skills.
    let proposals = &page.body[page.body.find("提案された副業人材").unwrap()..];
    let sato = proposals.find("（例）副業人材 佐藤").unwrap();
    let aoyama = proposals.find("（例）副業人材 青山").unwrap();
    assert!(sato < aoyama, "{proposals}");
    assert!(
        proposals.contains("得意分野が一致：excel、生産管理"),
        "{proposals}"
    );
    assert!(proposals.contains("（例）副業人材 中村：この分野を受け付けていません"));
    let stale_revision = page.hidden("revision").unwrap();

    let approved = post_on_page(&mut browser, &path, "approve", &[("talent_id", "tal-02")]).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    assert_eq!(approved.location(), format!("{path}?done=approved"));
    let page = browser.get(&path).await;
    assert!(page.body.contains("<dd>応募</dd>"), "{}", page.body);
    assert!(page.body.contains("<dd>（例）副業人材 佐藤</dd>"));
    assert!(!page.body.contains("提案された副業人材"));

    // A second coordinator on the old page: refused, nothing overwritten.
    let late = browser
        .post(
            &format!("{path}/approve"),
            &[("revision", &stale_revision), ("talent_id", "tal-01")],
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.body);
    assert!(late.body.contains("他の人が更新しました"), "{}", late.body);

    for (step, state) in [
        ("interview", "面談"),
        ("agree", "合意"),
        ("start", "実施中"),
    ] {
        let moved = post_on_page(&mut browser, &path, "step", &[("step", step)]).await;
        assert_eq!(
            moved.status,
            StatusCode::SEE_OTHER,
            "{step}: {}",
            moved.body
        );
        let page = browser.get(&path).await;
        assert!(page.body.contains(&format!("<dd>{state}</dd>")), "{step}");
    }

    // A review missing: the form comes back with the message and the other review kept.
    let missing = post_on_page(
        &mut browser,
        &path,
        "complete",
        &[
            ("business_review", "工程表が現場で使われています。"),
            ("talent_review", " "),
        ],
    )
    .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains(
        "<p class=\"error\" id=\"project-talent_review-error\">副業人材からの評価を入力してください。</p>"
    ));
    assert!(
        missing
            .body
            .contains(">工程表が現場で使われています。</textarea>")
    );
    let too_long = "あ".repeat(401);
    let long = post_on_page(
        &mut browser,
        &path,
        "complete",
        &[
            ("business_review", "よかった"),
            ("talent_review", &too_long),
        ],
    )
    .await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        long.body
            .contains("400文字以内にしてください（いまは401文字です）")
    );

    let done = post_on_page(
        &mut browser,
        &path,
        "complete",
        &[
            ("business_review", "工程表が現場で使われています。"),
            ("talent_review", "現場の皆さんが協力的でした。"),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = browser.get(&path).await;
    assert!(page.body.contains("<dd>完了</dd>"));
    assert!(
        page.body
            .contains("<dd>工程表が現場で使われています。</dd>")
    );
    assert!(page.body.contains("<dd>現場の皆さんが協力的でした。</dd>"));
    assert!(!page.body.contains("/step\""), "no step is left after 完了");

    let mut entries = console
        .app
        .store
        .audit_entries(&AuditFilter::default())
        .await
        .unwrap();
    entries.sort_by_key(|e| e.id);
    let actions: Vec<_> = entries
        .iter()
        .filter(|e| e.action.starts_with("project."))
        .map(|e| (e.action.as_str(), e.actor_name.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("project.create", "職員さん"),
            ("project.approve", "職員さん"),
            ("project.step", "職員さん"),
            ("project.step", "職員さん"),
            ("project.step", "職員さん"),
            ("project.step", "職員さん"),
        ]
    );

    // 佐藤 takes one project a month: the next project in the category leaves them out.
    let next = post_project(&mut browser, "（例）蒲田製作所").await;
    let page = browser.get(&next).await;
    assert!(
        page.body
            .contains("（例）副業人材 佐藤：今月の受け入れ上限（1件）に達しています"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn a_viewer_is_refused_on_every_project_route_and_nothing_changes() {
    let console = Console::new(&[]).await;
    register_talents(&console.app.store).await;
    let coordinator = console.account("coordinator", Role::Staff).await;
    let mut staff = console.signed_in(&coordinator).await;
    let path = post_project(&mut staff, "（例）大田精機株式会社").await;
    let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    let before = console.app.store.project(id).await.unwrap();
    let audit_before = console
        .app
        .store
        .count_audit_entries(&AuditFilter::default())
        .await
        .unwrap();

    let viewer = console.account("viewer", Role::Viewer).await;
    let mut browser = console.signed_in(&viewer).await;
    let revision = before.revision.to_string();
    let gets = ["/console/projects".to_owned(), path.clone()];
    for get in &gets {
        let page = browser.get(get).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "GET {get}");
    }
    let fields = project_fields("（例）閲覧者の案件", "8");
    let posts: [(String, Vec<(&str, &str)>); 4] = [
        ("/console/projects".to_owned(), fields),
        (
            format!("{path}/approve"),
            vec![("revision", &revision), ("talent_id", "tal-02")],
        ),
        (
            format!("{path}/step"),
            vec![("revision", &revision), ("step", "cancel")],
        ),
        (
            format!("{path}/complete"),
            vec![
                ("revision", &revision),
                ("business_review", "よかった"),
                ("talent_review", "よかった"),
            ],
        ),
    ];
    for (post, fields) in &posts {
        let page = browser.post(post, fields).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "POST {post}");
    }
    assert_eq!(console.app.store.project(id).await.unwrap(), before);
    let page = console
        .app
        .store
        .projects(&madoguchi_store::ProjectQuery {
            state: None,
            page: 1,
            per_page: 10,
        })
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(
        console
            .app
            .store
            .count_audit_entries(&AuditFilter::default())
            .await
            .unwrap(),
        audit_before
    );
    // The menu does not offer the pages to 閲覧.
    let home = browser.get("/console").await;
    assert!(!home.body.contains("/console/projects"), "{}", home.body);
}
