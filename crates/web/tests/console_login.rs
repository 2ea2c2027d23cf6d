//! Signing in to the staff console and out of it, as a browser does: cookies, CSRF, the
//! limits per login from one address and per client address (shared by every app process,
//! and per forwarded address behind a trusted proxy), session expiry, and the audit log of
//! every attempt.

#![allow(clippy::unwrap_used)]

mod common;
mod console_support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use madoguchi_store::testing::TestDatabase;
use madoguchi_store::{AttemptLimit, AuditEntry, AuditFilter, NewSession, Role, Store};
use madoguchi_web::{AppState, Transport, TrustedProxies};
use time::{Duration, OffsetDateTime};

use console_support::{Console, PASSWORD, sha256_hex};

const FAILED: &str = "ログインできませんでした。ログインIDとパスワードを確かめてください。";

/// The account as the store has it now.
async fn stored(console: &Console, id: &str) -> madoguchi_store::Account {
    console.app.store.account(id).await.unwrap().unwrap()
}

/// Checks that `page` is the answer to a try the limits held back: 429, the Japanese
/// message, and `Retry-After`, whose seconds it returns.
fn held_back(page: &console_support::Page) -> u64 {
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS, "{}", page.body);
    assert!(
        page.body.contains("ログインの試行が多すぎます"),
        "{}",
        page.body
    );
    page.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn audit(store: &Store) -> Vec<AuditEntry> {
    store.audit_entries(&AuditFilter::default()).await.unwrap()
}

#[tokio::test]
async fn signing_in_sets_a_new_strict_http_only_console_cookie_and_goes_to_next() {
    let console = Console::new(&[]).await;
    console.account("tanaka", Role::Staff).await;
    let mut browser = console.browser();
    let form = browser
        .get("/console/login?next=/console/account/password")
        .await;
    let pre_login = form.set_cookies();
    assert_eq!(pre_login.len(), 1, "{pre_login:?}");
    assert!(
        pre_login[0].contains("Path=/console; HttpOnly; SameSite=Strict"),
        "{pre_login:?}"
    );
    assert!(!pre_login[0].contains("Max-Age") && !pre_login[0].contains("Secure"));
    assert_eq!(
        form.hidden("next").as_deref(),
        Some("/console/account/password")
    );
    let before = browser.cookie.clone().unwrap();

    let page = browser
        .post(
            "/console/login",
            &[
                ("login", "Tanaka"),
                ("password", PASSWORD),
                ("next", "/console/account/password"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location(), "/console/account/password");
    let signed_in = browser.cookie.clone().unwrap();
    assert_ne!(
        signed_in, before,
        "signing in must replace the pre-login token"
    );
    let home = browser.get("/console").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("職員さん（職員）"), "{}", home.body);
    assert_eq!(home.headers["cache-control"], "no-store");

    let entries = audit(&console.app.store).await;
    let success = &entries[0];
    assert_eq!(success.action, "login.success");
    assert_eq!(success.target.as_deref(), Some("tanaka"));
    assert_eq!(success.client.as_deref(), Some("192.0.2.1"));
    assert!(success.actor_id.is_some());
}

#[tokio::test]
async fn the_cookie_is_secure_when_the_proxy_says_https() {
    let console = Console::new(&[]).await;
    let mut browser = console.browser();
    let request = Request::get("/console/login")
        .header("x-forwarded-proto", "https")
        .body(Body::empty())
        .unwrap();
    let page = browser.send(request).await;
    assert!(
        page.set_cookies()[0].ends_with("; Secure"),
        "{:?}",
        page.set_cookies()
    );
}

#[tokio::test]
async fn over_https_only_the_cookies_are_secure_host_cookies_and_browsers_keep_to_https() {
    let console =
        Console::configured(&[], |state| state.with_transport(Transport::HttpsOnly)).await;
    console.account("tanaka", Role::Staff).await;
    let mut browser = console.browser();
    // Not even a header claiming HTTPS is needed: the operator said so.
    let form = browser.get("/console/login").await;
    let hsts = form.headers["strict-transport-security"].to_str().unwrap();
    assert_eq!(hsts, "max-age=31536000");
    let set = form.set_cookies();
    assert!(
        set[0].starts_with("__Host-madoguchi_staff=")
            && set[0].contains("; Path=/; HttpOnly; SameSite=Strict")
            && set[0].ends_with("; Secure"),
        "{set:?}"
    );
    let signed_in = browser.log_in("tanaka", PASSWORD).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert!(signed_in.set_cookies()[0].starts_with("__Host-madoguchi_staff="));
    assert_eq!(browser.get("/console").await.status, StatusCode::OK);
    // The same token under the plain name (planted over HTTP, say) opens nothing.
    let token = browser.cookie.clone().unwrap().replace("__Host-", "");
    browser.cookie = Some(token);
    assert!(
        browser
            .get("/console")
            .await
            .location()
            .starts_with("/console/login")
    );
    // The public pages say HSTS too.
    let home = console.browser().get("/").await;
    assert!(home.headers.contains_key("strict-transport-security"));
}

#[tokio::test]
async fn a_link_from_another_site_does_not_replace_a_signed_in_cookie() {
    let console = Console::new(&[]).await;
    let account = console.account("tanaka", Role::Staff).await;
    let mut browser = console.signed_in(&account).await;
    let cookie = browser.cookie.clone().unwrap();
    // From another site, a browser does not send the SameSite=Strict cookie.
    let mut from_elsewhere = console.browser();
    let request = Request::get("/console/login?next=/console/programs")
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .unwrap();
    let page = from_elsewhere.send(request).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.set_cookies().is_empty(), "{:?}", page.set_cookies());
    assert!(page.body.contains("ログイン画面を開く"), "{}", page.body);
    assert!(
        page.body
            .contains("href=\"/console/login?next=/console/programs\""),
        "{}",
        page.body
    );
    assert!(!page.body.contains("name=\"password\""));
    // A sign-in posted from another site is refused before it touches a session.
    let post = Request::post("/console/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "https://evil.example")
        .header("host", "madoguchi.example.jp")
        .body(Body::from("login=tanaka&password=x&_csrf=x"))
        .unwrap();
    let refused = from_elsewhere.send(post).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.set_cookies().is_empty());
    // The member of staff is still signed in with the same cookie.
    assert_eq!(browser.get("/console").await.status, StatusCode::OK);
    assert_eq!(browser.cookie.as_deref(), Some(cookie.as_str()));
}

#[tokio::test]
async fn an_offsite_next_is_ignored() {
    let console = Console::new(&[]).await;
    console.account("tanaka", Role::Staff).await;
    let mut browser = console.browser();
    let _ = browser.get("/console/login").await;
    let page = browser
        .post(
            "/console/login",
            &[
                ("login", "tanaka"),
                ("password", PASSWORD),
                ("next", "//evil.example/console"),
            ],
        )
        .await;
    assert_eq!(page.location(), "/console");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_login_get_the_very_same_answer() {
    let console = Console::new(&[]).await;
    console.account("tanaka", Role::Staff).await;
    let mut browser = console.browser();
    let wrong = browser.log_in("tanaka", "not the password").await;
    let mut other = console.browser();
    let unknown = other.log_in("suzuki", "not the password").await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert_eq!(unknown.status, wrong.status);
    assert!(wrong.body.contains(FAILED), "{}", wrong.body);
    // The pages differ only in the login typed back into the form and the CSRF token.
    let normalise = |page: &console_support::Page, login: &str, csrf: &str| {
        page.body.replace(login, "LOGIN").replace(csrf, "CSRF")
    };
    assert_eq!(
        normalise(&wrong, "tanaka", &browser.csrf),
        normalise(&unknown, "suzuki", &other.csrf)
    );

    let entries = audit(&console.app.store).await;
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e.action == "login.failure"));
    let unknown_entry = &entries[0];
    assert_eq!(unknown_entry.actor_id, None);
    assert!(!unknown_entry.detail.contains("suzuki") && unknown_entry.target.is_none());
    assert_eq!(entries[1].detail, "パスワードが違います");
}

#[tokio::test]
async fn five_failures_hold_back_that_login_from_that_address_but_not_its_owner_elsewhere() {
    let console = Console::new(&[]).await;
    let account = console.account("tanaka", Role::Staff).await;
    let mut stranger = console.browser_from([203, 0, 113, 9]);
    for _ in 0..5 {
        let page = stranger.log_in("tanaka", "guessing wrong").await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
    }
    // From there, even the right password is not checked: the stranger waits.
    let held = stranger.log_in("tanaka", PASSWORD).await;
    let wait = held_back(&held);
    assert!((540..=600).contains(&wait), "{wait}");
    assert!(
        stranger
            .get("/console")
            .await
            .location()
            .starts_with("/console/login")
    );
    // Another login from the same address is not held back by those failures.
    console.account("suzuki", Role::Staff).await;
    let mut colleague = console.browser_from([203, 0, 113, 9]);
    let other = colleague.log_in("suzuki", PASSWORD).await;
    assert_eq!(other.status, StatusCode::SEE_OTHER, "{}", other.body);

    // The owner at the office signs in: the account itself was never locked.
    let mut owner = console.browser_from([192, 0, 2, 1]);
    let page = owner.log_in("tanaka", PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert!(stored(&console, &account.id).await.is_active());

    // Five failures audited, the held-back try not (it never reached a password).
    let entries = audit(&console.app.store).await;
    let failures: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "login.failure")
        .collect();
    assert_eq!(failures.len(), 5);
    assert!(failures.iter().all(|e| e.detail == "パスワードが違います"));
    assert!(!entries.iter().any(|e| e.action == "account.lock"));
}

#[tokio::test]
async fn a_password_an_administrator_set_must_be_changed_before_anything_else() {
    let console = Console::new(&[]).await;
    let admin = console.account("admin", Role::Admin).await;
    let mut admin_browser = console.signed_in(&admin).await;
    let _ = admin_browser.get("/console/users").await;
    let temporary = "a temporary passphrase";
    let added = admin_browser
        .post(
            "/console/users",
            &[
                ("login", "tanaka"),
                ("display_name", "田中 一郎"),
                ("role", "staff"),
                ("password", temporary),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);

    let mut browser = console.browser();
    let signed_in = browser.log_in("tanaka", temporary).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    // Every other console page, read or posted, leads to the change of password.
    for path in ["/console", "/console/programs", "/console/audit"] {
        let page = browser.get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(page.location(), "/console/account/password", "{path}");
    }
    let form = browser.get("/console/account/password").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("管理者が設定した仮のもの"),
        "{}",
        form.body
    );
    let mine = "only I know this passphrase";
    let changed = browser
        .post(
            "/console/account/password",
            &[("current", temporary), ("new", mine), ("confirm", mine)],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    assert_eq!(browser.get("/console").await.status, StatusCode::OK);

    // A reset by the administrator makes it temporary again.
    let tanaka = console
        .app
        .store
        .account_by_login(&madoguchi_store::Login::parse("tanaka").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(!tanaka.must_change_password);
    let _ = admin_browser.get("/console/users").await;
    let reset = admin_browser
        .post(
            &format!("/console/users/{}/password", tanaka.id),
            &[("password", "another temporary one")],
        )
        .await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER, "{}", reset.body);
    assert!(stored(&console, &tanaka.id).await.must_change_password);
    let mut again = console.browser();
    again.log_in("tanaka", "another temporary one").await;
    assert_eq!(
        again.get("/console").await.location(),
        "/console/account/password"
    );
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in_and_its_sessions_end() {
    let console = Console::new(&[]).await;
    let account = console.account("tanaka", Role::Staff).await;
    let mut open = console.signed_in(&account).await;
    assert_eq!(open.get("/console").await.status, StatusCode::OK);
    console
        .app
        .store
        .disable_account(&account.id)
        .await
        .unwrap();
    assert_eq!(open.get("/console").await.status, StatusCode::SEE_OTHER);
    let page = console.browser().log_in("tanaka", PASSWORD).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains(FAILED));
}

#[tokio::test]
async fn a_login_form_without_its_token_is_refused_and_nobody_signs_in() {
    let console = Console::new(&[]).await;
    console.account("tanaka", Role::Staff).await;
    let mut browser = console.browser();
    let _ = browser.get("/console/login").await;
    let page = browser
        .post(
            "/console/login",
            &[
                ("_csrf", "forged"),
                ("login", "tanaka"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        page.body.contains("画面の有効期限が切れた"),
        "{}",
        page.body
    );
    assert!(
        browser
            .get("/console")
            .await
            .location()
            .starts_with("/console/login")
    );

    // A browser that never opened the form (a cross-site post) has no token at all.
    let mut stranger = console.browser();
    let page = stranger
        .post(
            "/console/login",
            &[("login", "tanaka"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(audit(&console.app.store).await.is_empty());
}

/// Three failed sign-ins per address within ten minutes.
const THREE: AttemptLimit = AttemptLimit {
    max_attempts: 3,
    window: Duration::minutes(10),
};

#[tokio::test]
async fn too_many_failures_from_one_address_are_slowed_with_a_japanese_message() {
    let console = Console::configured(&[], |state| state.with_login_limit(THREE)).await;
    console.account("tanaka", Role::Staff).await;
    let mut browser = console.browser_from([198, 51, 100, 7]);
    for _ in 0..3 {
        assert_eq!(
            browser.log_in("tanaka", "wrong guess here").await.status,
            StatusCode::FORBIDDEN
        );
    }
    let slowed = browser.log_in("tanaka", PASSWORD).await;
    // The first failure leaves the window ten minutes after it was made.
    let wait = held_back(&slowed);
    assert!((300..=600).contains(&wait), "{wait}");
    let minutes = format!("{}分ほど待って", wait.div_ceil(60));
    assert!(slowed.body.contains(&minutes), "{}", slowed.body);
    // The slowed try never reached the account: three failures, no lock, nothing more.
    let entries = audit(&console.app.store).await;
    assert_eq!(entries.len(), 3);
    assert!(entries.iter().all(|e| e.action == "login.failure"));
    // Another address is not held back.
    let mut colleague = console.browser_from([198, 51, 100, 8]);
    assert_eq!(
        colleague.log_in("tanaka", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn signing_in_successfully_does_not_use_up_the_limit_of_a_shared_office_address() {
    let console = Console::configured(&[], |state| state.with_login_limit(THREE)).await;
    console.account("tanaka", Role::Staff).await;
    for _ in 0..5 {
        let mut desk = console.browser_from([192, 0, 2, 80]);
        assert_eq!(
            desk.log_in("tanaka", PASSWORD).await.status,
            StatusCode::SEE_OTHER
        );
    }
    let mut desk = console.browser_from([192, 0, 2, 80]);
    for _ in 0..3 {
        assert_eq!(
            desk.log_in("suzuki", "no such person").await.status,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        desk.log_in("tanaka", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn failures_through_one_app_process_count_on_another_on_every_backend() {
    for db in TestDatabase::every_backend().await.unwrap() {
        let store = db.migrated_store().await.unwrap();
        let one = AppState::load(store).await.unwrap().with_login_limit(THREE);
        let other = AppState::load(Store::connect(db.url()).await.unwrap())
            .await
            .unwrap()
            .with_login_limit(THREE);
        let (one, other) = (Console::over(one), Console::over(other));
        one.account("tanaka", Role::Staff).await;
        let attacker = [203, 0, 113, 66];
        for console in [&one, &other, &one] {
            let page = console
                .browser_from(attacker)
                .log_in("tanaka", "wrong guess here")
                .await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", db.backend_name());
        }
        // Each process saw fewer than three failures; together they make three.
        for console in [&other, &one] {
            let page = console
                .browser_from(attacker)
                .log_in("tanaka", PASSWORD)
                .await;
            assert_eq!(
                page.status,
                StatusCode::TOO_MANY_REQUESTS,
                "{}",
                db.backend_name()
            );
        }
        let page = other
            .browser_from([203, 0, 113, 67])
            .log_in("tanaka", PASSWORD)
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", db.backend_name());
    }
}

/// A console whose app trusts the reverse proxy at `10.0.0.5` (or nothing, when `trusted`
/// is empty), with a limit of one failure per address.
async fn console_behind(trusted: &[&str]) -> Console {
    let proxies = TrustedProxies::new(trusted.iter().map(|p| p.parse().unwrap()));
    let one = AttemptLimit {
        max_attempts: 1,
        ..THREE
    };
    Console::configured(&[], |state| {
        state.with_trusted_proxies(proxies).with_login_limit(one)
    })
    .await
}

const PROXY: ([u8; 4], u16) = ([10, 0, 0, 5], 443);

#[tokio::test]
async fn the_audit_log_records_the_forwarded_address_only_behind_a_trusted_proxy() {
    let console = console_behind(&["10.0.0.5"]).await;
    console.account("tanaka", Role::Staff).await;
    let mut through_proxy = console.browser_at(PROXY.into());
    through_proxy.forwarded_for = Some("198.51.100.1, 203.0.113.9".to_owned());
    assert_eq!(
        through_proxy.log_in("tanaka", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    // Straight from the internet, the same header is only something the client wrote.
    let mut direct = console.browser_from([198, 51, 100, 7]);
    direct.forwarded_for = Some("203.0.113.10".to_owned());
    assert_eq!(
        direct.log_in("tanaka", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let clients: Vec<Option<String>> = audit(&console.app.store)
        .await
        .into_iter()
        .map(|e| e.client)
        .collect();
    assert_eq!(
        clients,
        [
            Some("198.51.100.7".to_owned()),
            Some("203.0.113.9".to_owned())
        ]
    );

    // Without the setting, the proxy is the client and its header is ignored.
    let untrusting = console_behind(&[]).await;
    untrusting.account("tanaka", Role::Staff).await;
    let mut through_proxy = untrusting.browser_at(PROXY.into());
    through_proxy.forwarded_for = Some("203.0.113.9".to_owned());
    let _ = through_proxy.log_in("tanaka", PASSWORD).await;
    let entries = audit(&untrusting.app.store).await;
    assert_eq!(entries[0].client.as_deref(), Some("10.0.0.5"));
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_sign_in_limit() {
    let console = console_behind(&["10.0.0.0/8"]).await;
    console.account("tanaka", Role::Staff).await;
    let from = |client: &str| {
        let mut browser = console.browser_at(PROXY.into());
        browser.forwarded_for = Some(client.to_owned());
        browser
    };
    assert_eq!(
        from("203.0.113.9").log_in("tanaka", "wrong").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        from("203.0.113.9").log_in("tanaka", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another visitor through the same proxy is not held back by the first one.
    assert_eq!(
        from("2001:db8::9, 10.0.0.7")
            .log_in("tanaka", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // Writing a trusted proxy's address into the header does not help the first visitor:
    // the proxy appends what it saw.
    assert_eq!(
        from("10.0.0.99, 203.0.113.9")
            .log_in("tanaka", PASSWORD)
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn logging_out_ends_the_session_and_clears_the_cookie() {
    let console = Console::new(&[]).await;
    let account = console.account("tanaka", Role::Staff).await;
    let mut browser = console.browser();
    assert_eq!(
        browser.log_in("tanaka", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let _ = browser.get("/console").await;
    let cookie = browser.cookie.clone().unwrap();
    let page = browser.post("/console/logout", &[]).await;
    assert_eq!(page.location(), "/console/login?done=logout");
    assert!(page.set_cookies()[0].contains("Max-Age=0"));
    // The old token is worth nothing, even if a copy was kept.
    let mut copy = console.browser();
    copy.cookie = Some(cookie);
    assert!(
        copy.get("/console")
            .await
            .location()
            .starts_with("/console/login")
    );
    let entries = audit(&console.app.store).await;
    assert_eq!(entries[0].action, "logout");
    assert_eq!(entries[0].actor_id.as_deref(), Some(account.id.as_str()));
}

#[tokio::test]
async fn logging_out_everywhere_ends_every_session_of_the_account_on_every_process() {
    let console = Console::new(&[]).await;
    let account = console.account("tanaka", Role::Staff).await;
    let colleague = console.account("sato", Role::Staff).await;
    let mut office = console.browser();
    assert_eq!(
        office.log_in("tanaka", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let mut laptop = console.signed_in(&account).await;
    let mut other_person = console.signed_in(&colleague).await;

    // A second app process on the same database sees the same sign-in.
    let file = console.app.store.sqlite_file().unwrap();
    let second_store = Store::open_sqlite(&file).await.unwrap();
    let second = madoguchi_web::router(AppState::load(second_store).await.unwrap());
    let on_second = |cookie: &str| {
        Request::get("/console")
            .header("cookie", cookie)
            .body(Body::empty())
            .unwrap()
    };
    let laptop_cookie = laptop.cookie.clone().unwrap();
    let seen = tower::ServiceExt::oneshot(second.clone(), on_second(&laptop_cookie))
        .await
        .unwrap();
    assert_eq!(seen.status(), StatusCode::OK);

    let _ = office.get("/console").await;
    let page = office.post("/console/logout-everywhere", &[]).await;
    assert_eq!(page.location(), "/console/login?done=everywhere");
    assert!(
        laptop
            .get("/console")
            .await
            .location()
            .starts_with("/console/login")
    );
    let gone = tower::ServiceExt::oneshot(second, on_second(&laptop_cookie))
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::SEE_OTHER);
    assert_eq!(other_person.get("/console").await.status, StatusCode::OK);
    let entries = audit(&console.app.store).await;
    assert!(entries[0].detail.contains("2件"), "{}", entries[0].detail);
}

/// A browser holding a session made at `signed_in_at` that expires at `expires_at`.
async fn session_made(
    console: &Console,
    account_id: &str,
    signed_in_at: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> String {
    let token = format!("{:064}", signed_in_at.unix_timestamp());
    let session = NewSession {
        token_hash: sha256_hex(&token),
        subject: Some(account_id.to_owned()),
        csrf_token: "csrf".to_owned(),
        data: "{}".to_owned(),
        expires_at,
    };
    console
        .app
        .store
        .create_session(&session, signed_in_at)
        .await
        .unwrap();
    format!("madoguchi_staff={token}")
}

#[tokio::test]
async fn a_session_ends_after_thirty_idle_minutes_and_twelve_hours_in_all() {
    let console = Console::new(&[]).await;
    let account = console.account("tanaka", Role::Staff).await;
    let now = OffsetDateTime::now_utc();

    let idle = session_made(
        &console,
        &account.id,
        now - Duration::minutes(31),
        now - Duration::minutes(1),
    )
    .await;
    let mut browser = console.browser();
    browser.cookie = Some(idle);
    let page = browser.get("/console/users").await;
    assert_eq!(page.location(), "/console/login?next=%2Fconsole%2Fusers");

    // Busy all day: the session slid along, but twelve hours after sign-in it ends.
    let long = session_made(
        &console,
        &account.id,
        now - Duration::hours(12),
        now + Duration::minutes(20),
    )
    .await;
    browser.cookie = Some(long.clone());
    assert!(
        browser
            .get("/console")
            .await
            .location()
            .starts_with("/console/login")
    );

    let fresh = session_made(
        &console,
        &account.id,
        now - Duration::hours(11),
        now + Duration::minutes(20),
    )
    .await;
    browser.cookie = Some(fresh);
    assert_eq!(browser.get("/console").await.status, StatusCode::OK);
    let token = long.split_once('=').unwrap().1;
    assert!(
        console
            .app
            .store
            .session(&sha256_hex(token), now)
            .await
            .unwrap()
            .is_none(),
        "the over-long session is deleted, not just refused"
    );
}

#[tokio::test]
async fn a_role_changed_or_removed_counts_at_the_next_request() {
    let console = Console::new(&[]).await;
    let account = console.account("tanaka", Role::Admin).await;
    let mut browser = console.signed_in(&account).await;
    assert_eq!(browser.get("/console/users").await.status, StatusCode::OK);
    console
        .app
        .store
        .set_role(&account.id, Role::Viewer)
        .await
        .unwrap();
    let page = browser.get("/console/users").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        page.body.contains("「管理者」以上の役割が必要です"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn changing_ones_own_password_checks_the_current_one_and_ends_other_sessions() {
    let console = Console::new(&[]).await;
    let account = console.account("tanaka", Role::Viewer).await;
    let mut here = console.signed_in(&account).await;
    let mut elsewhere = console.signed_in(&account).await;
    let _ = here.get("/console/account/password").await;
    let new = "my own new passphrase";

    let wrong = here
        .post(
            "/console/account/password",
            &[("current", "not it at all"), ("new", new), ("confirm", new)],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("今のパスワードが違います"));
    // Audited like a wrong password at sign-in…
    let logged = audit(&console.app.store).await;
    assert!(
        logged.iter().any(|e| e.action == "login.failure"
            && e.target.as_deref() == Some("tanaka")
            && e.detail == "パスワードの変更：パスワードが違います"),
        "{logged:?}"
    );
    let short = here
        .post(
            "/console/account/password",
            &[
                ("current", PASSWORD),
                ("new", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    assert!(short.body.contains("12文字以上"), "{}", short.body);
    let mismatch = here
        .post(
            "/console/account/password",
            &[
                ("current", PASSWORD),
                ("new", new),
                ("confirm", "my own new passphrasE"),
            ],
        )
        .await;
    assert!(mismatch.body.contains("一致しません"));

    let done = here
        .post(
            "/console/account/password",
            &[("current", PASSWORD), ("new", new), ("confirm", new)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(here.get("/console").await.status, StatusCode::OK);
    assert!(
        elsewhere
            .get("/console")
            .await
            .location()
            .starts_with("/console/login")
    );
    assert_eq!(
        console.browser().log_in("tanaka", new).await.status,
        StatusCode::SEE_OTHER
    );
    // Neither password ever reaches the audit log.
    for entry in audit(&console.app.store).await {
        let text = format!("{entry:?}");
        assert!(!text.contains(PASSWORD) && !text.contains(new), "{text}");
    }
}

#[tokio::test]
async fn wrong_current_passwords_count_towards_the_same_limit_as_at_sign_in() {
    let console = Console::new(&[]).await;
    let account = console.account("tanaka", Role::Viewer).await;
    let mut left_open = console.signed_in(&account).await;
    let _ = left_open.get("/console/account/password").await;
    let new = "my own new passphrase";
    let change = |current: &'static str| [("current", current), ("new", new), ("confirm", new)];
    for _ in 0..5 {
        let wrong = left_open
            .post("/console/account/password", &change("still guessing"))
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let held = left_open
        .post("/console/account/password", &change(PASSWORD))
        .await;
    held_back(&held);
    // Nothing changed: the old password still signs in from another address.
    let mut elsewhere = console.browser_from([198, 51, 100, 20]);
    assert_eq!(
        elsewhere.log_in("tanaka", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_staff_token_sent_as_a_visitors_cookie_opens_no_staff_session() {
    let console = Console::new(&[]).await;
    let account = console.account("tanaka", Role::Staff).await;
    let staff = console.signed_in(&account).await;
    let token = staff.cookie.clone().unwrap();
    let token = token.split_once('=').unwrap().1;
    let mut visitor = console.browser();
    visitor.cookie = Some(format!("madoguchi_session={token}"));
    let page = visitor.get("/diagnosis").await;
    let fresh = page.set_cookies();
    assert!(
        fresh
            .iter()
            .any(|c| c.starts_with("madoguchi_session=") && !c.contains(token)),
        "a new visitor session is started: {fresh:?}"
    );
    let session = console
        .app
        .store
        .session(&sha256_hex(token), OffsetDateTime::now_utc())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(session.data, "{}", "the staff session is left as it was");
}
