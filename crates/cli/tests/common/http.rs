//! HTTP/1.1 as the tests need it, over plain sockets: every request on a connection of its
//! own (`Connection: close`, as a proxy that spreads connections would see it), a browser
//! that keeps its cookies and the CSRF token of the last page, and forms posted the way the
//! console's and the wizard's forms post them.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// A guard against a server that accepts and never answers, not a speed requirement.
const READ_GUARD: Duration = Duration::from_secs(120);

const BOUNDARY: &str = "madoguchi-test-boundary";

/// A response as the client received it.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    /// The first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers_named(name).into_iter().next()
    }

    fn headers_named(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn location(&self) -> &str {
        self.header("location").unwrap_or_default()
    }

    /// The value of the first hidden input called `name`.
    pub fn hidden(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&marker)? + marker.len();
        let end = self.body[start..].find('"')? + start;
        Some(self.body[start..end].to_owned())
    }
}

/// Sends one request on a new connection and reads the whole answer; an error when the
/// server is unreachable or closes without answering (it was killed, say).
pub fn exchange(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> io::Result<Response> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(READ_GUARD))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> io::Result<Response> {
    let broken = |what: &str| io::Error::new(io::ErrorKind::UnexpectedEof, what.to_owned());
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| broken("no complete response head"))?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| broken("no status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body).ok_or_else(|| broken("a chunked body ends early"))?;
    } else if let Some(length) = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
    {
        if body.len() < length {
            return Err(broken("the body ends before its Content-Length"));
        }
        body.truncate(length);
    }
    Ok(Response {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// The body of a `Transfer-Encoding: chunked` answer; `None` when it is cut short.
fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&raw[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(raw.get(..size)?);
        raw = raw.get(size + 2..)?;
    }
}

/// One browser: its cookies, and the CSRF token of the last page that carried one.
#[derive(Debug, Clone)]
pub struct Browser {
    addr: String,
    cookies: Vec<(String, String)>,
    pub csrf: String,
}

impl Browser {
    /// A browser with no cookie, talking to `addr` (`127.0.0.1:PORT`).
    pub fn new(addr: &str) -> Self {
        Self {
            addr: addr.to_owned(),
            cookies: Vec::new(),
            csrf: String::new(),
        }
    }

    /// From now on, talks to the server at `addr` (a restarted one), cookies kept.
    pub fn set_addr(&mut self, addr: &str) {
        addr.clone_into(&mut self.addr);
    }

    /// Sends a request with this browser's cookies, keeps the cookies and token it gets.
    pub fn try_send(
        &mut self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> io::Result<Response> {
        let mut headers = Vec::new();
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            headers.push(("Cookie", jar.join("; ")));
        }
        if let Some(content_type) = content_type {
            headers.push(("Content-Type", content_type.to_owned()));
        }
        let response = exchange(&self.addr, method, path, &headers, body)?;
        for set in response.headers_named("set-cookie") {
            self.keep_cookie(set);
        }
        if let Some(csrf) = response.hidden("_csrf") {
            self.csrf = csrf;
        }
        Ok(response)
    }

    fn keep_cookie(&mut self, set_cookie: &str) {
        let pair = set_cookie.split(';').next().unwrap_or_default();
        let Some((name, value)) = pair.split_once('=') else {
            return;
        };
        let (name, value) = (name.trim(), value.trim());
        let removed = value.is_empty() || set_cookie.to_ascii_lowercase().contains("max-age=0");
        self.cookies.retain(|(n, _)| n != name);
        if !removed {
            self.cookies.push((name.to_owned(), value.to_owned()));
        }
    }

    pub fn send(
        &mut self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Response {
        self.try_send(method, path, content_type, body)
            .unwrap_or_else(|err| panic!("{method} {path} got no answer from {}: {err}", self.addr))
    }

    pub fn get(&mut self, path: &str) -> Response {
        self.send("GET", path, None, b"")
    }

    /// A form's body with this browser's CSRF token first.
    pub fn form(&self, fields: &[(&str, &str)]) -> Vec<u8> {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("_csrf", &self.csrf);
        for (name, value) in fields {
            form.append_pair(name, value);
        }
        form.finish().into_bytes()
    }

    /// Posts a form with this browser's CSRF token.
    pub fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let body = self.form(fields);
        self.send(
            "POST",
            path,
            Some("application/x-www-form-urlencoded"),
            &body,
        )
    }

    /// Posts a file form as a browser does: multipart, the token first, then `fields`,
    /// then the file as `file`.
    pub fn post_file(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file_name: &str,
        bytes: &[u8],
    ) -> Response {
        let mut body = Vec::new();
        let csrf = self.csrf.clone();
        for (name, value) in std::iter::once(("_csrf", csrf.as_str())).chain(fields.iter().copied())
        {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
        self.send("POST", path, Some(&content_type), &body)
    }

    /// Posts the editor's 「承認して公開する」 form for draft `revision` of program `id`:
    /// published now, leaving the site at `unpublish_at` (blank: as planned before).
    pub fn try_publish(
        &mut self,
        id: &str,
        revision: u32,
        unpublish_at: &str,
    ) -> io::Result<Response> {
        let revision = revision.to_string();
        let fields = [
            ("draft-revision", revision.as_str()),
            ("publish-at", ""),
            ("unpublish-at", unpublish_at),
        ];
        let body = self.form(&fields);
        let path = format!("/console/programs/{id}/publish");
        let content_type = Some("application/x-www-form-urlencoded");
        self.try_send("POST", &path, content_type, &body)
    }

    /// Signs in to the console through the login form, as staff do, and opens the console.
    pub fn sign_in(&mut self, login: &str, password: &str) {
        let form = self.get("/console/login");
        assert_eq!(form.status, 200, "the login form: {}", form.body);
        let signed_in = self.post(
            "/console/login",
            &[("login", login), ("password", password)],
        );
        assert_eq!(
            signed_in.status, 303,
            "signing in as {login} failed: {}",
            signed_in.body
        );
        let console = self.get("/console");
        assert_eq!(
            console.status, 200,
            "the console after signing in: {}",
            console.body
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunked_answer_is_read_whole_and_a_cut_one_is_an_error() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse_response(raw).unwrap().body, "abcde");
        let cut = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab";
        assert!(parse_response(cut).is_err());
        let short = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
        assert!(parse_response(short).is_err());
    }
}
