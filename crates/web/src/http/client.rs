//! Who sent a request, for the audit log, the sign-in limit and the diagnosis limit: the
//! TCP peer, or behind a trusted reverse proxy the address it forwarded. All three read the
//! client here, through the one rule in [`TrustedProxies::client`].

use std::fmt;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};

use crate::AppState;
use crate::http::trusted_proxy::TrustedProxies;

/// The client's address, when the server knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client(pub Option<IpAddr>);

impl Client {
    /// The client of a request with these headers and extensions (where the server put the
    /// TCP peer), as `proxies` let it be known.
    pub fn of(headers: &HeaderMap, extensions: &Extensions, proxies: &TrustedProxies) -> Self {
        let peer = extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        Self(peer.map(|peer| proxies.client(peer, headers)))
    }

    /// The address as the audit log keeps it.
    pub fn for_audit(self) -> Option<String> {
        self.0.map(|ip| ip.to_string())
    }
}

impl fmt::Display for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(ip) => write!(f, "{ip}"),
            None => f.write_str("不明"),
        }
    }
}

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self::of(
            &parts.headers,
            &parts.extensions,
            state.trusted_proxies(),
        ))
    }
}
