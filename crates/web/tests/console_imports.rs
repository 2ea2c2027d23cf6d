//! Imports from the console: upload → preview → confirm → background job, with nothing
//! changed before the confirmation and nothing changed by a job that fails.

#![allow(clippy::unwrap_used)]

mod common;
mod console_support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use madoguchi_core::import::{self, own};
use madoguchi_core::program::{Program, SourceKind};
use madoguchi_store::testing::synthetic_program;
use madoguchi_store::{ImportJobState, NewPendingImport, PendingImport, Role, Store};

use console_support::{Browser, Console, Page};
use madoguchi_web::AppState;

const BOUNDARY: &str = "madoguchi-test-boundary";

/// Posts the upload form as a browser does: multipart, with the session's token.
async fn upload(browser: &mut Browser<'_>, kind: &str, file_name: &str, bytes: &[u8]) -> Page {
    let mut body = Vec::new();
    let mut text = |name: &str, value: &str| {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    };
    let csrf = browser.csrf.clone();
    text("_csrf", &csrf);
    text("kind", kind);
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let request = Request::post("/console/imports")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .unwrap();
    browser.send(request).await
}

/// The id of the import a redirect points to.
fn import_id(page: &Page) -> i64 {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.location()
        .strip_prefix("/console/imports/")
        .unwrap()
        .parse()
        .unwrap()
}

fn count(page: &Page, name: &str) -> usize {
    let marker = format!("data-count=\"{name}\">");
    let start = page.body.find(&marker).unwrap() + marker.len();
    let end = page.body[start..].find('<').unwrap() + start;
    page.body[start..end].parse().unwrap()
}

/// Waits (without a deadline) until the job's page says it has finished, either way, as
/// staff watching it would; then the row as stored.
async fn finished(browser: &mut Browser<'_>, store: &Store, id: i64) -> PendingImport {
    loop {
        let page = browser.get(&format!("/console/imports/{id}")).await;
        if !page.body.contains("http-equiv=\"refresh\"") {
            return store.pending_import(id).await.unwrap().unwrap();
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

async fn staff_browser(console: &Console) -> Browser<'_> {
    let account = console.account("shokuin", Role::Staff).await;
    let mut browser = console.signed_in(&account).await;
    let page = browser.get("/console/imports").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    browser
}

#[tokio::test]
async fn the_demo_jgrants_file_is_previewed_then_published_only_once_confirmed() {
    let console = Console::new(&[]).await;
    let mut browser = staff_browser(&console).await;
    let parsed = import::jgrants::parse(madoguchi_core::demo::JGRANTS_RECORDS).unwrap();
    assert!(!parsed.programs.is_empty());

    let page = upload(
        &mut browser,
        "jgrants",
        "jgrants-records.json",
        madoguchi_core::demo::JGRANTS_RECORDS,
    )
    .await;
    let id = import_id(&page);
    let preview = browser.get(&format!("/console/imports/{id}")).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert_eq!(count(&preview, "new"), parsed.programs.len());
    assert_eq!(count(&preview, "changed"), 0);
    assert_eq!(count(&preview, "invalid"), parsed.invalid.len());
    assert_eq!(count(&preview, "skipped"), parsed.skipped.len());
    assert!(preview.body.contains("この内容で取り込む"));

    // Nothing is public before the confirmation.
    let first = &parsed.programs[0];
    let public = browser.get(&format!("/programs/{}", first.id)).await;
    assert_eq!(public.status, StatusCode::NOT_FOUND);
    assert_eq!(console.app.store.count_programs().await.unwrap(), 0);

    let skip = if parsed.invalid.is_empty() {
        "false"
    } else {
        "true"
    };
    let confirmed = browser
        .post(
            &format!("/console/imports/{id}/confirm"),
            &[("skip_invalid", skip)],
        )
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    let done = finished(&mut browser, &console.app.store, id).await;
    assert_eq!(done.state, ImportJobState::Done, "{}", done.message);
    assert_eq!(done.done, done.total);

    let public = browser.get(&format!("/programs/{}", first.id)).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains(&first.title.to_string()));
    let runs = console.app.store.import_runs().await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].source_kind, SourceKind::Jgrants);

    // A second confirmation starts nothing.
    let again = browser
        .post(
            &format!("/console/imports/{id}/confirm"),
            &[("skip_invalid", "true")],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let status = browser.get(&format!("/console/imports/{id}")).await;
    assert!(status.body.contains("完了"));
}

#[tokio::test]
async fn one_broken_row_in_ten_thousand_is_listed_and_blocks_confirmation_unless_skipped() {
    let console = Console::new(&[]).await;
    let mut browser = staff_browser(&console).await;
    let programs: Vec<Program> = (0..10_000).map(synthetic_program).collect();
    // One record of 10,000 gets a kind no program has.
    let mut records: serde_json::Value = serde_json::from_str(&own::to_json(&programs)).unwrap();
    records[5_000]["kind"] = serde_json::Value::from("どれでもない種類");
    let file = serde_json::to_vec(&records).unwrap();
    let expected = own::parse(&file).unwrap();
    assert_eq!(
        expected.invalid.len(),
        1,
        "the test must break exactly one row"
    );
    assert_eq!(expected.programs.len(), 9_999);

    let id = import_id(&upload(&mut browser, "madoguchi", "制度一覧.json", &file).await);
    let preview = browser.get(&format!("/console/imports/{id}")).await;
    assert_eq!(count(&preview, "invalid"), 1);
    assert_eq!(count(&preview, "new"), 9_999);
    let issue = &expected.invalid[0];
    assert!(
        preview.body.contains(&askama_escape(&issue.record)),
        "{}",
        issue.record
    );
    assert!(preview.body.contains("不正なレコードを除いて取り込む"));

    let refused = browser
        .post(&format!("/console/imports/{id}/confirm"), &[])
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("不正なレコードが1件ある"));
    assert_eq!(console.app.store.count_programs().await.unwrap(), 0);
    let still = console.app.store.pending_import(id).await.unwrap().unwrap();
    assert_eq!(still.state, ImportJobState::Pending);

    let confirmed = browser
        .post(
            &format!("/console/imports/{id}/confirm"),
            &[("skip_invalid", "true")],
        )
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    let done = finished(&mut browser, &console.app.store, id).await;
    assert_eq!(done.state, ImportJobState::Done, "{}", done.message);
    assert_eq!(console.app.store.count_programs().await.unwrap(), 9_999);
}

/// The record label as askama writes it into HTML.
fn askama_escape(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[tokio::test]
async fn a_file_of_another_kind_is_refused_in_japanese() {
    let console = Console::new(&[]).await;
    let mut browser = staff_browser(&console).await;
    let page = upload(
        &mut browser,
        "jnet21",
        "jgrants-records.json",
        madoguchi_core::demo::JGRANTS_RECORDS,
    )
    .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(
        page.body
            .contains("ファイルの種類が合っているか確認してください")
    );
    assert!(
        console
            .app
            .store
            .pending_imports(10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_job_the_store_refuses_changes_nothing_and_says_it_failed() {
    let console = Console::new(&[synthetic_program(1)]).await;
    let mut browser = staff_browser(&console).await;
    let before = console.app.store.programs().await.unwrap();
    // Two records naming one program: the store refuses the whole batch.
    let mut changed = synthetic_program(1);
    changed.summary = "変わった説明".to_owned();
    let body = serde_json::to_string(&[synthetic_program(2), changed.clone(), changed]).unwrap();
    let pending = console
        .app
        .store
        .create_pending_import(&NewPendingImport {
            created_by: "someone".to_owned(),
            source_kind: SourceKind::Csv,
            file_name: "壊れた.json".to_owned(),
            body,
            summary: "{}".to_owned(),
            total: 3,
        })
        .await
        .unwrap();
    let confirmed = browser
        .post(&format!("/console/imports/{}/confirm", pending.id), &[])
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    let failed = finished(&mut browser, &console.app.store, pending.id).await;
    assert_eq!(failed.state, ImportJobState::Failed);
    assert!(
        failed.message.contains("何も変更していません"),
        "{}",
        failed.message
    );
    assert_eq!(console.app.store.programs().await.unwrap(), before);
    let page = browser
        .get(&format!("/console/imports/{}", pending.id))
        .await;
    assert!(page.body.contains("失敗"));
    assert!(page.body.contains("何も変更していません"));
}

/// An upload of `programs` confirmed and started by a process, as the row shows it.
async fn running_import(store: &Store, programs: &[Program]) -> PendingImport {
    let pending = store
        .create_pending_import(&NewPendingImport {
            created_by: "someone".to_owned(),
            source_kind: SourceKind::Csv,
            file_name: "途中.json".to_owned(),
            body: serde_json::to_string(programs).unwrap(),
            summary: "{}".to_owned(),
            total: programs.len() as u64,
        })
        .await
        .unwrap();
    for (from, to) in [
        (ImportJobState::Pending, ImportJobState::Queued),
        (ImportJobState::Queued, ImportJobState::Running),
    ] {
        assert!(
            store
                .advance_import(pending.id, from, to, 0, "")
                .await
                .unwrap()
        );
    }
    pending
}

/// The console with a handle on its state, as another part of the server holds it.
async fn console_and_state(programs: &[Program]) -> (Console, AppState) {
    let mut kept = None;
    let console = Console::configured(programs, |state| {
        kept = Some(state.clone());
        state
    })
    .await;
    (console, kept.unwrap())
}

/// The audit log's entries for imports given up.
async fn imports_given_up(store: &Store) -> Vec<madoguchi_store::AuditEntry> {
    let failed = madoguchi_store::AuditFilter {
        action: Some("import.fail".to_owned()),
        ..Default::default()
    };
    store.audit_entries(&failed).await.unwrap()
}

#[tokio::test]
async fn a_job_whose_process_stopped_is_given_up_and_says_nothing_changed() {
    let (console, state) = console_and_state(&[synthetic_program(1)]).await;
    let store = &console.app.store;
    let before = store.programs().await.unwrap();
    let stopped = running_import(store, &[synthetic_program(2), synthetic_program(3)]).await;
    let done = running_import(store, &[synthetic_program(4)]).await;
    let finished_state = ImportJobState::Done;
    store
        .advance_import(done.id, ImportJobState::Running, finished_state, 1, "済")
        .await
        .unwrap();

    // What the server does when it starts, before serving.
    let given_up = madoguchi_web::console::import_recovery::give_up_stopped(&state)
        .await
        .unwrap();
    assert_eq!(given_up, vec![stopped.id]);
    assert_eq!(store.programs().await.unwrap(), before);
    let done_now = store.pending_import(done.id).await.unwrap().unwrap();
    assert_eq!(
        (done_now.state, done_now.message.as_str()),
        (finished_state, "済")
    );

    let mut browser = staff_browser(&console).await;
    let page = browser
        .get(&format!("/console/imports/{}", stopped.id))
        .await;
    assert!(page.body.contains("data-state=\"failed\""), "{}", page.body);
    assert!(page.body.contains("何も変更していません"), "{}", page.body);
    assert!(
        !page.body.contains("http-equiv=\"refresh\""),
        "a failed job stops refreshing"
    );
    let logged = imports_given_up(store).await;
    assert_eq!(logged.len(), 1);
    assert_eq!(
        logged[0].target.as_deref(),
        Some(stopped.id.to_string().as_str())
    );
    assert_eq!(logged[0].actor_name, "取り込みの見回り");
}

#[tokio::test]
async fn the_job_page_shows_how_far_this_process_has_got() {
    let (console, state) = console_and_state(&[]).await;
    let programs: Vec<Program> = (0..5).map(synthetic_program).collect();
    let running = running_import(&console.app.store, &programs).await;
    let mut browser = staff_browser(&console).await;
    let path = format!("/console/imports/{}", running.id);

    let page = browser.get(&path).await;
    assert!(
        page.body.contains("<span data-done>0</span>／5件"),
        "{}",
        page.body
    );
    let tracker = state.import_progress().track(running.id);
    tracker.set(3);
    let page = browser.get(&path).await;
    assert!(
        page.body.contains("<span data-done>3</span>／5件"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<progress id=\"import-progress\" max=\"5\" value=\"3\">")
    );
    assert!(
        page.body.contains("http-equiv=\"refresh\""),
        "a running job refreshes"
    );
    drop(tracker);
    let page = browser.get(&path).await;
    assert!(
        page.body.contains("<span data-done>0</span>／5件"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn a_viewer_sees_imports_but_no_upload_form() {
    let console = Console::new(&[]).await;
    let account = console.account("etsuran", Role::Viewer).await;
    let mut browser = console.signed_in(&account).await;
    let page = browser.get("/console/imports").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("multipart/form-data"));
}

#[tokio::test]
async fn a_file_over_the_limit_gets_the_japanese_too_large_page() {
    let console = Console::new(&[]).await;
    let mut browser = staff_browser(&console).await;
    let huge = vec![b' '; 64 * 1024 * 1024 + 1];
    let page = upload(&mut browser, "madoguchi", "huge.json", &huge).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.body.contains("大きすぎます"), "{}", page.body);
    assert!(
        console
            .app
            .store
            .pending_imports(10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_confirmation_needs_a_second_person_when_set_and_never_overwrites_a_later_edit() {
    let published = synthetic_program(1);
    let mut kept = None;
    let console = Console::configured(std::slice::from_ref(&published), |state| {
        kept = Some(state.clone());
        state
    })
    .await;
    let state = kept.unwrap();
    let store = &console.app.store;
    store
        .set_setting("require_second_approval", "true", None)
        .await
        .unwrap();
    let mut uploader = staff_browser(&console).await;
    let mut file = vec![published.clone(), synthetic_program(2)];
    file[0].title = madoguchi_core::program::Title::parse("取り込みの題名").unwrap();
    let bytes = own::to_json(&file).into_bytes();
    let id = import_id(&upload(&mut uploader, "madoguchi", "制度一覧.json", &bytes).await);

    // The person who uploaded cannot confirm alone.
    let alone = uploader
        .post(&format!("/console/imports/{id}/confirm"), &[])
        .await;
    assert_eq!(alone.status, StatusCode::FORBIDDEN, "{}", alone.body);
    assert!(alone.body.contains("アップロードした人とは別の人"));

    // Meanwhile someone publishes an edit of the first program.
    let mut edited = store.program(&published.id).await.unwrap().unwrap();
    edited.title = madoguchi_core::program::Title::parse("職員が直した題名").unwrap();
    store.save_program(&edited, "console:other").await.unwrap();
    state.catalog_changed().await.unwrap();

    // A second person confirming is refused too, with the program named: the preview did
    // not show that edit, so the file would silently overwrite it.
    let second = console.account("kakunin", Role::Staff).await;
    let mut reviewer = console.signed_in(&second).await;
    let refused = reviewer
        .post(&format!("/console/imports/{id}/confirm"), &[])
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        refused.body.contains("職員が直した題名"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains(published.id.as_str()));
    let now = store.program(&published.id).await.unwrap().unwrap();
    assert_eq!(now.title.as_str(), "職員が直した題名");
    assert_eq!(store.count_programs().await.unwrap(), 1);
    let still = store.pending_import(id).await.unwrap().unwrap();
    assert_eq!(still.state, ImportJobState::Pending);

    // Uploaded again (a preview of the current catalogue), a second person confirms it.
    let again = import_id(&upload(&mut uploader, "madoguchi", "制度一覧.json", &bytes).await);
    let confirmed = reviewer
        .post(&format!("/console/imports/{again}/confirm"), &[])
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    let done = finished(&mut reviewer, store, again).await;
    assert_eq!(done.state, ImportJobState::Done, "{}", done.message);
    let now = store.program(&published.id).await.unwrap().unwrap();
    assert_eq!(now.title.as_str(), "取り込みの題名");
    assert_eq!(store.count_programs().await.unwrap(), 2);
}

#[tokio::test]
async fn a_preview_nobody_confirms_is_given_up_after_a_day_and_its_programs_forgotten() {
    let (console, state) = console_and_state(&[]).await;
    let store = &console.app.store;
    let mut browser = staff_browser(&console).await;
    let bytes = own::to_json(&[synthetic_program(2)]).into_bytes();
    let id = import_id(&upload(&mut browser, "madoguchi", "制度一覧.json", &bytes).await);
    let expire = madoguchi_web::console::import_recovery::expire_unconfirmed;
    let now = time::OffsetDateTime::now_utc();

    assert_eq!(expire(&state, now).await.unwrap(), Vec::<i64>::new());
    assert!(store.pending_import_body(id).await.unwrap().is_some());

    let a_day_on = now + time::Duration::hours(25);
    assert_eq!(expire(&state, a_day_on).await.unwrap(), vec![id]);
    assert_eq!(store.pending_import_body(id).await.unwrap(), None);
    let page = browser.get(&format!("/console/imports/{id}")).await;
    assert!(page.body.contains("data-state=\"failed\""), "{}", page.body);
    assert!(
        page.body.contains("確認されないまま24時間が過ぎた"),
        "{}",
        page.body
    );
    let refused = browser
        .post(&format!("/console/imports/{id}/confirm"), &[])
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert_eq!(store.count_programs().await.unwrap(), 0);
    let logged = imports_given_up(store).await;
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].target.as_deref(), Some(id.to_string().as_str()));
}
