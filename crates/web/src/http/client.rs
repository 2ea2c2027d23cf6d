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

/// The address a limit counts `ip` as: an IPv4 address as itself (an IPv4-mapped IPv6
/// address too), an IPv6 address as its /64. One subscriber line is given a whole /64, so
/// counting IPv6 per address would let one client be countless clients.
pub fn counted_as(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !u128::from(u64::MAX)).into()),
        },
    }
}
