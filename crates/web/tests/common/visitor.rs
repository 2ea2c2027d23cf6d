//! One visitor driving the site as a browser would: the session cookie it was given kept,
//! forms posted with their CSRF token, the diagnosis wizard answered step by step.

// Not every test binary uses every part.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;

use super::TestApp;

/// One visitor: the session cookie it was given, if any.
pub struct Visitor<'a> {
    app: &'a TestApp,
    /// The `name=value` of the session cookie; tests swap it to act as another visitor.
    pub cookie: Option<String>,
}

/// A page as the visitor received it: the bytes (a PDF, say) and the same read as text.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub html: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap())
            .unwrap_or_default()
    }

    /// The value of the first hidden input called `name`.
    pub fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.html.find(&marker).unwrap_or_else(|| {
            panic!("no {name} in {}", self.html);
        }) + marker.len();
        let end = self.html[start..].find('"').unwrap() + start;
        self.html[start..end].to_owned()
    }
}

impl<'a> Visitor<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Self { app, cookie: None }
    }

    pub async fn send(&mut self, mut request: Request<Body>) -> Page {
        if let Some(cookie) = &self.cookie {
            request
                .headers_mut()
                .insert(header::COOKIE, cookie.parse().unwrap());
        }
        let response = self.app.send(request).await;
        let status = response.status();
        let headers = response.headers().clone();
        for set in headers.get_all(header::SET_COOKIE) {
            let pair = set.to_str().unwrap().split(';').next().unwrap().to_owned();
            self.cookie = Some(pair);
        }
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Page {
            status,
            headers,
            html: String::from_utf8_lossy(&body).into_owned(),
            body,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    pub async fn post(&mut self, path: &str, body: impl Into<Body>) -> Page {
        self.send(
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body.into())
                .unwrap(),
        )
        .await
    }

    /// Answers the step shown on `page` with `values` and the button `action`.
    pub async fn answer(&mut self, page: &Page, values: &[&str], action: &str) -> Page {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("_csrf", &page.hidden("_csrf"));
        form.append_pair("field", &page.hidden("field"));
        form.append_pair("step", &page.hidden("step"));
        for v in values {
            form.append_pair("value", v);
        }
        form.append_pair("action", action);
        self.post("/diagnosis/answer", form.finish()).await
    }

    /// Answers every question the wizard asks with `answer` (「わからない」 where it gives
    /// none), up to the results.
    pub async fn diagnose(&mut self, answer: impl Fn(&str) -> Option<&'static [&'static str]>) {
        let mut page = self.get("/diagnosis").await;
        let mut steps = 0;
        while page.status == StatusCode::OK && page.html.contains("name=\"field\"") {
            steps += 1;
            assert!(steps < 60, "the wizard does not end");
            let field = page.hidden("field");
            let next = match answer(&field) {
                Some(values) => self.answer(&page, values, "next").await,
                None => self.answer(&page, &[], "dont_know").await,
            };
            assert_eq!(next.status, StatusCode::SEE_OTHER, "{field}: {}", next.html);
            page = self.get(next.location()).await;
            if page.status == StatusCode::SEE_OTHER {
                page = self.get(page.location()).await;
            }
        }
    }
}
