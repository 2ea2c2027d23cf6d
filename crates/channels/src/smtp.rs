//! E-mail over SMTP: composing the MIME message and handing it to one relay, stage by stage, so
//! that "refused", "try again" and "may have gone out" can be told apart.
//!
//! lettre's connection-level client is driven here command by command rather than through its
//! transport, because the outbox must know whether a failure came before the message body was
//! sent (safe to resend) or after it (the relay may have accepted it: [`SendError::Unknown`]).
//! Every step has its own deadline, so a relay that accepts the connection and then hangs costs one
//! timeout, not a worker.
//!
//! # The URL
//!
//! ```text
//! smtp://[user[:password]@]host[:port][?tls=required|starttls|none][&helo=name]
//! smtps://[user[:password]@]host[:port][?helo=name]
//! ```
//!
//! - `smtp://` connects in plain text on port 587 unless another is given, then:
//!   - `tls=required` (the default): upgrades with STARTTLS and refuses to go on without it;
//!   - `tls=starttls`: upgrades with STARTTLS when the relay offers it, else goes on in plain text;
//!   - `tls=none`: never upgrades (a relay on loopback, tests).
//! - `smtps://` speaks TLS from the first byte (implicit TLS, RFC 8314), on port 465 by default.
//! - `user` and `password` are percent-decoded; when given, the client authenticates with
//!   `AUTH PLAIN` or `AUTH LOGIN`, whichever the relay offers. Credentials never travel in plain
//!   text to a host other than loopback: `tls=none` with credentials is refused unless the host is
//!   loopback, and `tls=starttls` fails the send when the upgrade did not happen.
//! - `helo` is the name given in `EHLO`; by default the domain of the sender's address.
//!
//! Server certificates are checked against the system's roots, plus any added with
//! [`Smtp::with_root_certificate_pem`] (a municipality's own CA, for instance).

use std::fmt;
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use lettre::Address;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::Error as SmtpError;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Certificate, TlsParameters};
use lettre::transport::smtp::commands::{Data, Ehlo, Mail, Quit, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use url::Url;

use crate::{ConfigError, Message, Recipient, SendError, Sent, Timeouts, Unsubscribe, key_hex};

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// STARTTLS, and no message without it (`smtp://…?tls=required`, the default).
    Required,
    /// STARTTLS when the relay offers it, plain text otherwise (`smtp://…?tls=starttls`).
    Opportunistic,
    /// Plain text throughout (`smtp://…?tls=none`): a relay on loopback.
    None,
    /// TLS from the first byte (`smtps://`).
    Implicit,
}

/// A configured SMTP relay and the sender every message comes from.
#[derive(Clone)]
pub struct Smtp {
    host: String,
    port: u16,
    tls: TlsMode,
    credentials: Option<Credentials>,
    from: Mailbox,
    hello: ClientId,
    roots: Vec<Certificate>,
    timeouts: Timeouts,
    /// Connections kept open after a message for the next ones; `None` when every message
    /// has a connection of its own. Clones share it.
    reuse: Option<Arc<ConnectionPool>>,
}

/// Idle connections to the relay, kept for the next message: connecting, greeting, TLS and
/// AUTH cost more than the message itself, so a worker that sends many reuses them.
struct ConnectionPool {
    idle: Mutex<Vec<Pooled>>,
    max_idle: usize,
}

struct Pooled {
    connection: Connection,
    idle_since: Instant,
    sent: u32,
}

/// A connection ready for messages, and whether the relay takes commands pipelined.
struct Connection {
    inner: AsyncSmtpConnection,
    /// The relay offered PIPELINING (RFC 2920): MAIL, RCPT and DATA go in one write and their
    /// replies are read after, one round trip instead of three.
    pipelining: bool,
}

/// Messages per connection before it is closed: relays limit them (often at 100), and a
/// long-lived session is where a relay's own troubles accumulate.
const MESSAGES_PER_CONNECTION: u32 = 100;

/// How long a connection may sit idle before it is not reused: well below the minutes after
/// which relays hang up on a quiet client (RFC 5321 suggests at least 5).
const MAX_IDLE_TIME: Duration = Duration::from_secs(10);

impl fmt::Debug for Smtp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The password stays out of logs: only whether there are credentials at all.
        f.debug_struct("Smtp")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("authenticates", &self.credentials.is_some())
            .field("from", &self.from.to_string())
            .field("extra_roots", &self.roots.len())
            .field("timeouts", &self.timeouts)
            .field("reuses_connections", &self.reuse.is_some())
            .finish()
    }
}

impl Smtp {
    /// A relay from its URL (see the [module documentation](self) for the form) and the sender:
    /// `from_address` with an optional display name (Japanese is fine: it is encoded).
    pub fn from_url(
        url: &str,
        from_address: &str,
        from_name: Option<&str>,
    ) -> Result<Self, ConfigError> {
        let bad = |why: &str| ConfigError::SmtpUrl(why.to_owned());
        let parsed = Url::parse(url).map_err(|e| bad(&e.to_string()))?;
        let implicit = match parsed.scheme() {
            "smtp" => false,
            "smtps" => true,
            other => return Err(bad(&format!("scheme must be smtp or smtps, not {other}"))),
        };
        let host = match parsed.host() {
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            Some(host) => host.to_string(),
            None => return Err(bad("no host")),
        };
        let port = parsed.port().unwrap_or(if implicit { 465 } else { 587 });

        let mut tls = if implicit {
            TlsMode::Implicit
        } else {
            TlsMode::Required
        };
        let mut hello = None;
        for (name, value) in parsed.query_pairs() {
            match (&*name, &*value) {
                ("tls", _) if implicit => return Err(bad("tls= does not apply to smtps://")),
                ("tls", "required") => tls = TlsMode::Required,
                ("tls", "starttls") => tls = TlsMode::Opportunistic,
                ("tls", "none") => tls = TlsMode::None,
                ("tls", other) => {
                    return Err(bad(&format!(
                        "tls must be required, starttls or none, not {other}"
                    )));
                }
                ("helo", name) if !name.is_empty() => hello = Some(name.to_owned()),
                (other, _) => return Err(bad(&format!("unknown parameter {other}"))),
            }
        }

        let credentials = if parsed.username().is_empty() {
            None
        } else {
            let decode = |part: &str, what: &str| {
                percent_encoding::percent_decode_str(part)
                    .decode_utf8()
                    .map(|decoded| decoded.into_owned())
                    .map_err(|_| bad(&format!("the {what} is not percent-encoded UTF-8")))
            };
            let user = decode(parsed.username(), "user name")?;
            let password = decode(parsed.password().unwrap_or(""), "password")?;
            Some(Credentials::new(user, password))
        };
        if credentials.is_some() && tls == TlsMode::None && !is_loopback(&host) {
            return Err(bad(
                "credentials would be sent in plain text: use tls=required or smtps://",
            ));
        }

        let address: Address = from_address
            .parse()
            .map_err(|e| ConfigError::Sender(format!("{from_address}: {e}")))?;
        let hello = ClientId::Domain(hello.unwrap_or_else(|| address.domain().to_owned()));
        let from = Mailbox::new(from_name.map(str::to_owned), address);

        Ok(Self {
            host,
            port,
            tls,
            credentials,
            from,
            hello,
            roots: Vec::new(),
            timeouts: Timeouts::default(),
            reuse: None,
        })
    }

    /// Also trusts the certificates of `pem` (one or more, PEM) as roots for the relay's
    /// certificate, beside the system's.
    pub fn with_root_certificate_pem(mut self, pem: &[u8]) -> Result<Self, ConfigError> {
        let certificate = Certificate::from_pem(pem)
            .map_err(|e| ConfigError::SmtpUrl(format!("root certificate: {e}")))?;
        self.roots.push(certificate);
        Ok(self)
    }

    /// Replaces the default deadlines (see [`Timeouts`]).
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Keeps up to `max_idle` connections open after a message and sends the next messages
    /// on them (at most 100 per connection, none idle for more than 10 s), instead of one
    /// connection per message. For a worker that sends many.
    pub fn with_connection_reuse(mut self, max_idle: usize) -> Self {
        self.reuse = (max_idle > 0).then(|| {
            Arc::new(ConnectionPool {
                idle: Mutex::new(Vec::new()),
                max_idle,
            })
        });
        self
    }

    /// The TLS mode the URL chose.
    pub fn tls(&self) -> TlsMode {
        self.tls
    }

    /// Sends `message` to its [`Recipient::Email`] address through the relay.
    pub async fn send(&self, message: &Message) -> Result<Sent, SendError> {
        let Recipient::Email(to) = &message.to else {
            return Err(SendError::permanent(
                "the SMTP channel only sends to e-mail recipients",
            ));
        };
        let email = self.compose(message, to)?;
        if let Some(mut reused) = self.take_idle() {
            match transfer(&mut reused.connection, &email, self.timeouts.response).await {
                Ok(()) => {
                    reused.sent += 1;
                    self.put_back(reused).await;
                    return Ok(Sent { already: false });
                }
                // The relay may have hung up on the idle connection. A `Retry` means it did
                // not take the message, so a fresh connection may try once more.
                Err(SendError::Retry { .. }) => drop(reused),
                Err(other) => {
                    self.quit(reused.connection).await;
                    return Err(other);
                }
            }
        }
        let mut connection = self.open().await.map_err(Failure::before_data)?;
        let outcome = transfer(&mut connection, &email, self.timeouts.response).await;
        if outcome.is_ok() && self.reuse.is_some() {
            let fresh = Pooled {
                connection,
                idle_since: Instant::now(),
                sent: 1,
            };
            self.put_back(fresh).await;
        } else {
            self.quit(connection).await;
        }
        outcome.map(|()| Sent { already: false })
    }

    /// Politeness only: the outcome is already decided, so a relay that does not answer QUIT
    /// changes nothing.
    async fn quit(&self, mut connection: Connection) {
        let quit = connection.inner.command(Quit);
        let _ = tokio::time::timeout(self.timeouts.response, quit).await;
    }

    /// An idle connection that is still worth trying, if any; older ones are dropped.
    fn take_idle(&self) -> Option<Pooled> {
        let pool = self.reuse.as_ref()?;
        let mut idle = pool.idle.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some(pooled) = idle.pop() {
            if pooled.idle_since.elapsed() < MAX_IDLE_TIME && !pooled.connection.inner.has_broken()
            {
                return Some(pooled);
            }
        }
        None
    }

    /// Keeps a connection after a message went out on it, unless it has sent its share or
    /// the pool is full: then it is closed.
    async fn put_back(&self, mut pooled: Pooled) {
        let Some(pool) = &self.reuse else {
            return self.quit(pooled.connection).await;
        };
        if pooled.sent < MESSAGES_PER_CONNECTION {
            pooled.idle_since = Instant::now();
            let mut idle = pool.idle.lock().unwrap_or_else(PoisonError::into_inner);
            if idle.len() < pool.max_idle {
                idle.push(pooled);
                return;
            }
        }
        self.quit(pooled.connection).await;
    }

    /// The MIME message: `multipart/alternative` when there is HTML, else one `text/plain` part;
    /// a `Message-ID` derived from the outbox key; RFC 8058 headers when there is an unsubscribe
    /// link.
    fn compose(&self, message: &Message, to: &str) -> Result<lettre::Message, SendError> {
        let to: Address = to
            .trim()
            .parse()
            .map_err(|e| SendError::permanent(format!("invalid e-mail address {to:?}: {e}")))?;
        let mut builder = lettre::Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, to))
            .subject(message.subject.clone())
            .message_id(Some(message_id(&message.key, self.from.email.domain())));
        if let Some(unsubscribe) = &message.unsubscribe {
            for header in unsubscribe_headers(unsubscribe)? {
                builder = builder.raw_header(header);
            }
        }
        let built = match &message.html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                message.text.clone(),
                html.clone(),
            )),
            None => builder.singlepart(SinglePart::plain(message.text.clone())),
        };
        built.map_err(|e| SendError::permanent(format!("cannot compose the e-mail: {e}")))
    }

    /// Connects, greets, upgrades to TLS and authenticates as configured.
    async fn open(&self) -> Result<Connection, Failure> {
        // Connecting includes the greeting and EHLO: one deadline for each of the three.
        let deadline = self.timeouts.connect + 2 * self.timeouts.response;
        let mut connection = if self.tls == TlsMode::Implicit {
            let connect = AsyncSmtpConnection::connect_tokio1(
                (self.host.as_str(), self.port),
                Some(self.timeouts.connect),
                &self.hello,
                Some(self.tls_parameters()?),
                None,
            );
            within(deadline, "connecting", connect).await?
        } else {
            let stream = self.connect_without_delay().await?;
            let greet = AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello);
            within(deadline, "connecting", greet).await?
        };

        let upgrade = match self.tls {
            TlsMode::Required => true,
            TlsMode::Opportunistic => connection.can_starttls(),
            TlsMode::None | TlsMode::Implicit => false,
        };
        if upgrade {
            if !connection.can_starttls() {
                // A relay that stops offering STARTTLS may be one whose answer someone rewrote.
                return Err(Failure::Refused(
                    "the relay does not offer STARTTLS, which tls=required demands".to_owned(),
                    Retryable::Yes,
                ));
            }
            let parameters = self.tls_parameters()?;
            let starttls = connection.starttls(parameters, &self.hello);
            within(
                self.timeouts.connect + 2 * self.timeouts.response,
                "STARTTLS",
                starttls,
            )
            .await?;
        }

        // lettre keeps only the extensions it uses from the greeting, and PIPELINING is not one:
        // ask again, on the connection as it now is (after TLS, before AUTH, since some relays
        // forget an authentication at EHLO).
        let ehlo = connection.command(Ehlo::new(self.hello.clone()));
        let pipelining = within(self.timeouts.response, "EHLO", ehlo)
            .await?
            .message()
            .any(|line| line.trim().eq_ignore_ascii_case("PIPELINING"));

        if let Some(credentials) = &self.credentials {
            if !connection.is_encrypted() && !is_loopback(&self.host) {
                return Err(Failure::Refused(
                    "the relay did not upgrade to TLS; credentials are not sent in plain text"
                        .to_owned(),
                    Retryable::No,
                ));
            }
            let auth = connection.auth(&[Mechanism::Plain, Mechanism::Login], credentials);
            // AUTH LOGIN is up to three exchanges.
            within(3 * self.timeouts.response, "AUTH", auth).await?;
        }
        Ok(Connection {
            inner: connection,
            pipelining,
        })
    }

    /// The TCP connection, with Nagle's algorithm off: lettre writes a message's body and its
    /// final `.` apart, and the small second write would otherwise wait for the relay's
    /// delayed acknowledgement of the first (tens of milliseconds per message).
    async fn connect_without_delay(&self) -> Result<tokio::net::TcpStream, Failure> {
        let connect = tokio::net::TcpStream::connect((self.host.as_str(), self.port));
        let refused =
            |e: std::io::Error| Failure::Refused(format!("SMTP connecting: {e}"), Retryable::Yes);
        let stream = tokio::time::timeout(self.timeouts.connect, connect)
            .await
            .map_err(|_| Failure::TimedOut("connecting"))?
            .map_err(refused)?;
        stream.set_nodelay(true).map_err(refused)?;
        Ok(stream)
    }

    fn tls_parameters(&self) -> Result<TlsParameters, Failure> {
        let builder = self
            .roots
            .iter()
            .cloned()
            .fold(TlsParameters::builder(self.host.clone()), |b, root| {
                b.add_root_certificate(root)
            });
        builder
            .build()
            .map_err(|e| Failure::Smtp("setting up TLS", e))
    }
}

/// MAIL, RCPT and DATA, then the message itself: the only step after which a lost connection
/// leaves the outcome unknown. When the relay pipelines, the three commands go in one write and
/// their replies are read in order; the first refusal decides, and the connection is not
/// reused after it (replies may still be pending on it).
async fn transfer(
    connection: &mut Connection,
    email: &lettre::Message,
    response: Duration,
) -> Result<(), SendError> {
    let Connection {
        inner: connection,
        pipelining,
    } = connection;
    let envelope = email.envelope();
    let bytes = email.formatted();
    let mut parameters = Vec::new();
    if !bytes.is_ascii() {
        // lettre encodes every body as quoted-printable or base64, so this is only a guard.
        if !connection
            .server_info()
            .supports_feature(Extension::EightBitMime)
        {
            return Err(SendError::permanent(
                "the message is not 7-bit and the relay does not support 8BITMIME",
            ));
        }
        parameters.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    let mail = Mail::new(envelope.from().cloned(), parameters);
    let rcpts: Vec<Rcpt> = envelope
        .to()
        .iter()
        .map(|recipient| Rcpt::new(recipient.clone(), Vec::new()))
        .collect();
    if *pipelining {
        // RFC 2920: DATA last in the group; `command` writes it all and reads MAIL's reply.
        let mut group = mail.to_string();
        for rcpt in &rcpts {
            group.push_str(&rcpt.to_string());
        }
        group.push_str(&Data.to_string());
        within(response, "MAIL FROM", connection.command(group))
            .await
            .map_err(Failure::before_data)?;
        for _ in &rcpts {
            within(response, "RCPT TO", connection.read_response())
                .await
                .map_err(Failure::before_data)?;
        }
        within(response, "DATA", connection.read_response())
            .await
            .map_err(Failure::before_data)?;
    } else {
        within(response, "MAIL FROM", connection.command(mail))
            .await
            .map_err(Failure::before_data)?;
        for rcpt in rcpts {
            within(response, "RCPT TO", connection.command(rcpt))
                .await
                .map_err(Failure::before_data)?;
        }
        within(response, "DATA", connection.command(Data))
            .await
            .map_err(Failure::before_data)?;
    }
    within(response, "the message", connection.message(&bytes))
        .await
        .map_err(Failure::after_data)?;
    Ok(())
}

/// Why a step did not succeed, before it is sorted into a [`SendError`].
#[derive(Debug)]
enum Failure {
    /// The step's deadline passed.
    TimedOut(&'static str),
    /// The relay or the connection failed during the step.
    Smtp(&'static str, SmtpError),
    /// We refused to go on.
    Refused(String, Retryable),
}

#[derive(Debug)]
enum Retryable {
    Yes,
    No,
}

impl Failure {
    /// Nothing of the message was handed over yet: only the relay's own 5xx is final.
    fn before_data(self) -> SendError {
        match self {
            Self::TimedOut(step) => SendError::retry(format!("SMTP {step}: no answer in time")),
            Self::Smtp(step, e) => {
                if let Some(sorted) = Self::by_reply_code(step, &e) {
                    sorted
                } else if e.is_client() {
                    // Our side cannot go on as configured (no common AUTH mechanism, say).
                    SendError::permanent(format!("SMTP {step}: {e}"))
                } else {
                    SendError::retry(format!("SMTP {step}: {e}"))
                }
            }
            Self::Refused(reason, Retryable::Yes) => SendError::retry(reason),
            Self::Refused(reason, Retryable::No) => SendError::permanent(reason),
        }
    }

    /// The whole message was sent: without the relay's reply we cannot know whether it took it.
    fn after_data(self) -> SendError {
        match self {
            Self::Smtp(step, e) => Self::by_reply_code(step, &e)
                .unwrap_or_else(|| SendError::unknown(format!("SMTP {step}: {e}"))),
            Self::TimedOut(step) => SendError::unknown(format!(
                "SMTP {step}: sent, but the relay did not confirm in time"
            )),
            Self::Refused(reason, _) => SendError::unknown(reason),
        }
    }

    /// A reply from the relay: 4xx is "try later", 5xx is "never".
    fn by_reply_code(step: &str, e: &SmtpError) -> Option<SendError> {
        if e.is_transient() {
            Some(SendError::retry(format!("SMTP {step}: {e}")))
        } else if e.is_permanent() {
            Some(SendError::permanent(format!("SMTP {step}: {e}")))
        } else {
            None
        }
    }
}

/// Runs one step of the conversation under its deadline.
async fn within<T>(
    deadline: Duration,
    step: &'static str,
    future: impl Future<Output = Result<T, SmtpError>>,
) -> Result<T, Failure> {
    match tokio::time::timeout(deadline, future).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(Failure::Smtp(step, e)),
        Err(_) => Err(Failure::TimedOut(step)),
    }
}

/// `<hex@domain>`: the same outbox key always gives the same id, so a resend is recognisable,
/// and the key itself is not shown to the recipient.
fn message_id(key: &str, domain: &str) -> String {
    let mut hex = key_hex(key);
    hex.truncate(32);
    format!("<{hex}.madoguchi@{domain}>")
}

/// `List-Unsubscribe` and `List-Unsubscribe-Post` of RFC 8058. The links are normalised through
/// a URL parser, so that what goes into the header is plain ASCII without spaces or brackets.
fn unsubscribe_headers(unsubscribe: &Unsubscribe) -> Result<[HeaderValue; 2], SendError> {
    let url = Url::parse(unsubscribe.url.trim())
        .ok()
        .filter(|url| url.scheme() == "https")
        .ok_or_else(|| {
            SendError::permanent(format!(
                "the one-click unsubscribe link must be an https URL: {:?}",
                unsubscribe.url
            ))
        })?;
    let mut links = format!("<{url}>");
    if let Some(mailto) = &unsubscribe.mailto {
        let mailto = mailto.trim();
        let mailto = mailto.strip_prefix("mailto:").unwrap_or(mailto);
        let mailto = Url::parse(&format!("mailto:{mailto}"))
            .ok()
            .filter(|url| !url.path().is_empty())
            .ok_or_else(|| {
                SendError::permanent(format!("invalid unsubscribe address: {mailto:?}"))
            })?;
        links.push_str(&format!(", <{mailto}>"));
    }
    Ok([
        HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), links),
        HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
            "List-Unsubscribe=One-Click".to_owned(),
        ),
    ])
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_matches(|c| c == '[' || c == ']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn smtp(url: &str) -> Result<Smtp, ConfigError> {
        Smtp::from_url(url, "desk@example.jp", Some("窓口"))
    }

    #[test]
    fn the_url_chooses_port_and_tls_by_scheme_and_parameter() {
        let cases = [
            ("smtp://relay.example.jp", 587, TlsMode::Required),
            (
                "smtp://relay.example.jp:25?tls=starttls",
                25,
                TlsMode::Opportunistic,
            ),
            ("smtp://127.0.0.1:2525?tls=none", 2525, TlsMode::None),
            ("smtps://relay.example.jp", 465, TlsMode::Implicit),
        ];
        for (url, port, tls) in cases {
            let smtp = smtp(url).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!((smtp.port, smtp.tls), (port, tls), "{url}");
        }
    }

    #[test]
    fn credentials_are_percent_decoded_and_never_shown() {
        let smtp = smtp("smtp://desk%40example.jp:p%40ss%3Aw0rd@relay.example.jp")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            smtp.credentials,
            Some(Credentials::new(
                "desk@example.jp".to_owned(),
                "p@ss:w0rd".to_owned()
            ))
        );
        let shown = format!("{smtp:?}");
        assert!(!shown.contains("w0rd"), "{shown}");
    }

    #[test]
    fn urls_that_would_go_wrong_are_refused_at_start_up() {
        for url in [
            "http://relay.example.jp",
            "smtp://relay.example.jp?tls=maybe",
            "smtp://relay.example.jp?port=25",
            "smtps://relay.example.jp?tls=none",
            "smtp://user:secret@relay.example.jp?tls=none",
        ] {
            assert!(
                matches!(smtp(url), Err(ConfigError::SmtpUrl(_))),
                "{url} was accepted"
            );
        }
        assert!(smtp("smtp://user:secret@127.0.0.1:2525?tls=none").is_ok());
        assert!(matches!(
            Smtp::from_url("smtp://relay.example.jp", "not an address", None),
            Err(ConfigError::Sender(_))
        ));
    }

    #[test]
    fn the_message_id_is_the_same_for_the_same_key_and_hides_it() {
        let id = message_id("outbox-42", "example.jp");
        assert_eq!(id, message_id("outbox-42", "example.jp"));
        assert_ne!(id, message_id("outbox-43", "example.jp"));
        assert!(!id.contains("outbox"));
        assert!(
            id.starts_with('<') && id.ends_with(".madoguchi@example.jp>"),
            "{id}"
        );
    }

    #[test]
    fn unsubscribe_links_must_be_https_and_come_out_ascii() {
        let headers = unsubscribe_headers(&Unsubscribe {
            url: "http://example.jp/u".to_owned(),
            mailto: None,
        });
        assert!(matches!(headers, Err(SendError::Permanent { .. })));
    }
}
