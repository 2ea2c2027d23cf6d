//! Driving the staff console as a browser would: accounts arranged in the store, sessions
//! signed in through the real login form or straight in the store, cookies kept, forms
//! posted with the session's CSRF token, and the client's address set on each request.

#![allow(dead_code)] // Each console test binary uses its own part of this.

use std::net::SocketAddr;
use std::sync::OnceLock;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use madoguchi_core::program::Program;
use madoguchi_core::staff::NewPassword;
use madoguchi_store::{Account, DisplayName, Login, NewAccount, NewSession, Role};
use madoguchi_web::AppState;
use sha2::{Digest, Sha256};

use crate::common::TestApp;

/// Every test account's password.
pub const PASSWORD: &str = "correct horse battery staple";

/// The PHC string of [`PASSWORD`], hashed once per test binary (argon2id is slow by design).
pub fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        let login = Login::parse("anyone").unwrap();
        madoguchi_staff::password::hash(&NewPassword::parse(PASSWORD, &login).unwrap()).unwrap()
    })
}

/// The console over a test app.
pub struct Console {
    pub app: TestApp,
}

impl Console {
    pub async fn new(programs: &[Program]) -> Self {
        Self {
            app: TestApp::with_programs(programs).await,
        }
    }

    pub async fn configured(
        programs: &[Program],
        configure: impl FnOnce(AppState) -> AppState,
    ) -> Self {
        Self {
            app: TestApp::configured(programs, configure).await,
        }
    }

    /// The console of one app process over `state`.
    pub fn over(state: AppState) -> Self {
        Self {
            app: TestApp::over(state),
        }
    }

    /// An account with [`PASSWORD`].
    pub async fn account(&self, login: &str, role: Role) -> Account {
        let new = NewAccount {
            login: Login::parse(login).unwrap(),
            display_name: DisplayName::parse(&format!("{}さん", role.label())).unwrap(),
            role,
            password_hash: password_hash().to_owned(),
            must_change_password: false,
        };
        self.app.store.create_account(&new).await.unwrap()
    }

    /// A browser with no cookie, coming from `192.0.2.1`.
    pub fn browser(&self) -> Browser<'_> {
        self.browser_from([192, 0, 2, 1])
    }

    pub fn browser_from(&self, ip: [u8; 4]) -> Browser<'_> {
        self.browser_at(SocketAddr::from((ip, 40_000)))
    }

    /// A browser whose connection comes from `peer` (a proxy, say).
    pub fn browser_at(&self, peer: SocketAddr) -> Browser<'_> {
        Browser {
            console: self,
            cookie: None,
            csrf: String::new(),
            client: peer,
            forwarded_for: None,
        }
    }

    /// A browser signed in as `account` by a session made straight in the store (fast: no
    /// password check), as the login form would have made it.
    pub async fn signed_in(&self, account: &Account) -> Browser<'_> {
        let token = format!("{:064x}", rand_u128());
        let csrf = format!("{:064x}", rand_u128());
        let now = time::OffsetDateTime::now_utc();
        let session = NewSession {
            token_hash: sha256_hex(&token),
            subject: Some(account.id.clone()),
            csrf_token: csrf.clone(),
            data: "{}".to_owned(),
            expires_at: now + time::Duration::minutes(30),
        };
        self.app.store.create_session(&session, now).await.unwrap();
        Browser {
            cookie: Some(format!("madoguchi_staff={token}")),
            csrf,
            ..self.browser()
        }
    }
}

/// A unique number for tokens: tests need distinct values, not secret ones.
fn rand_u128() -> u128 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    (nanos << 16) ^ u128::from(n)
}

pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// One browser: its cookie, the CSRF token of the last console page it saw, its address
/// (the TCP peer the server sees) and the `X-Forwarded-For` its requests carry, if any.
pub struct Browser<'c> {
    console: &'c Console,
    pub cookie: Option<String>,
    pub csrf: String,
    pub client: SocketAddr,
    pub forwarded_for: Option<String>,
}

/// A response as the browser received it.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap())
            .unwrap_or_default()
    }

    /// The `Set-Cookie` values of the response.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    /// The value of the first hidden input called `name`.
    pub fn hidden(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&marker)? + marker.len();
        let end = self.body[start..].find('"')? + start;
        Some(self.body[start..end].to_owned())
    }
}

impl Browser<'_> {
    pub async fn send(&mut self, mut request: Request<Body>) -> Page {
        if let Some(cookie) = &self.cookie {
            request
                .headers_mut()
                .insert(header::COOKIE, cookie.parse().unwrap());
        }
        if let Some(forwarded) = &self.forwarded_for {
            request
                .headers_mut()
                .insert("x-forwarded-for", forwarded.parse().unwrap());
        }
        request.extensions_mut().insert(ConnectInfo(self.client));
        let response = self.console.app.send(request).await;
        let status = response.status();
        let headers = response.headers().clone();
        for set in headers.get_all(header::SET_COOKIE) {
            let pair = set.to_str().unwrap().split(';').next().unwrap().to_owned();
            self.cookie = pair
                .split_once('=')
                .filter(|(_, v)| !v.is_empty())
                .map(|_| pair.clone());
        }
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let page = Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        };
        if let Some(csrf) = page.hidden("_csrf") {
            self.csrf = csrf;
        }
        page
    }

    pub async fn get(&mut self, path: &str) -> Page {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    /// Posts a form with this browser's CSRF token (unless the fields name their own).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut form = form_urlencoded::Serializer::new(String::new());
        if !fields.iter().any(|(name, _)| *name == "_csrf") {
            form.append_pair("_csrf", &self.csrf);
        }
        for (name, value) in fields {
            form.append_pair(name, value);
        }
        let request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form.finish()))
            .unwrap();
        self.send(request).await
    }

    /// Signs in through the login form: opens it, then posts `login` and `password`.
    pub async fn log_in(&mut self, login: &str, password: &str) -> Page {
        let form = self.get("/console/login").await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        self.post(
            "/console/login",
            &[("login", login), ("password", password)],
        )
        .await
    }
}
