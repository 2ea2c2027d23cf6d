//! Which reverse proxies may say who the client is (`--trusted-proxy`), and the one rule
//! that finds a request's client from them.
//!
//! Behind the city's reverse proxy every TCP connection comes from the proxy, so the audit
//! log, the sign-in limit and the diagnosis limit would see one client for everybody. The
//! proxy names the client in `X-Forwarded-For`, but anyone can write that header: it is
//! read only when the connection comes from a proxy the operator named, and then only as
//! far as the proxies that wrote it are trusted.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

use axum::http::HeaderMap;

/// The header proxies append the address they saw to: `client, proxy1, proxy2`.
const X_FORWARDED_FOR: &str = "x-forwarded-for";

/// One proxy address or network an operator trusts: `10.0.0.5`, `10.0.0.0/24`, `fd00::/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedProxy {
    network: IpAddr,
    prefix: u8,
}

/// A `--trusted-proxy` value that cannot be read; the message names it and says how to
/// write it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustedProxyError {
    #[error(
        "信頼するプロキシ「{0}」を読み取れません。IPアドレス（例：10.0.0.5）又はCIDR表記のネットワーク\
         （例：10.0.0.0/24、fd00::/8）で指定してください。複数ある場合は、カンマで区切るか、\
         --trusted-proxy を繰り返してください。"
    )]
    Unreadable(String),
    #[error(
        "信頼するプロキシ「{given}」は、ネットワークの先頭のアドレスで「{network}」のように指定してください\
         （1台だけなら、/ より後ろを付けずにアドレスだけを指定します）。"
    )]
    NotNetworkStart { given: String, network: String },
}

impl TrustedProxy {
    /// Whether `ip` (already canonical: IPv4-mapped addresses as IPv4) is in this network.
    fn contains(self, ip: IpAddr) -> bool {
        ip.is_ipv4() == self.network.is_ipv4() && masked(ip, self.prefix) == self.network
    }

    fn full_prefix(ip: IpAddr) -> u8 {
        if ip.is_ipv4() { 32 } else { 128 }
    }
}

/// `ip` with every bit after the first `prefix` cleared (`prefix` at most the family's
/// width).
fn masked(ip: IpAddr, prefix: u8) -> IpAddr {
    let prefix = u32::from(prefix);
    match ip {
        IpAddr::V4(v4) => {
            let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
            IpAddr::V4(Ipv4Addr::from(u32::from(v4) & mask))
        }
        IpAddr::V6(v6) => {
            let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask))
        }
    }
}

impl FromStr for TrustedProxy {
    type Err = TrustedProxyError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let text = raw.trim();
        let unreadable = || TrustedProxyError::Unreadable(raw.to_owned());
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let address: IpAddr = address.parse().map_err(|_| unreadable())?;
        let prefix = match prefix {
            None => Self::full_prefix(address),
            // `u8::from_str` takes a leading `+`; an operator never means one.
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse::<u8>().map_err(|_| unreadable())?
            }
            Some(_) => return Err(unreadable()),
        };
        if prefix > Self::full_prefix(address) {
            return Err(unreadable());
        }
        // Clients are compared as IPv4 when they come as IPv4-mapped IPv6 (a server
        // listening on `[::]`); so is a proxy written that way.
        let (address, prefix) = match address.to_canonical() {
            IpAddr::V4(v4) if address.is_ipv6() && prefix >= 96 => (IpAddr::V4(v4), prefix - 96),
            _ => (address, prefix),
        };
        let network = masked(address, prefix);
        if network != address {
            return Err(TrustedProxyError::NotNetworkStart {
                given: raw.to_owned(),
                network: Self { network, prefix }.to_string(),
            });
        }
        Ok(Self { network, prefix })
    }
}

impl fmt::Display for TrustedProxy {
    /// The text `from_str` reads: `10.0.0.5` for one address, `10.0.0.0/24` for a network.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.prefix == Self::full_prefix(self.network) {
            write!(f, "{}", self.network)
        } else {
            write!(f, "{}/{}", self.network, self.prefix)
        }
    }
}

/// The proxies an operator trusts to say who the client is; none by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<TrustedProxy>);

impl TrustedProxies {
    pub fn new(proxies: impl IntoIterator<Item = TrustedProxy>) -> Self {
        Self(proxies.into_iter().collect())
    }

    /// Every proxy, in the order given.
    pub fn proxies(&self) -> &[TrustedProxy] {
        &self.0
    }

    fn trust(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|proxy| proxy.contains(ip))
    }

    /// The client of a request that came from `peer` with `headers`.
    ///
    /// When `peer` is a trusted proxy, the client is the right-most address in
    /// `X-Forwarded-For` that is not itself a trusted proxy (each trusted proxy appended
    /// the address it saw; what is left of the first untrusted one may have been written by
    /// the client and is never read). If every address there is trusted, it is the
    /// left-most. If an entry that has to be read is not an address (`unknown`, garbage),
    /// or there is no header, it is `peer`. When `peer` is not trusted, it is `peer`, and
    /// the header is ignored. IPv4-mapped IPv6 addresses are taken as IPv4.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trust(peer) {
            return peer;
        }
        let mut forwarded = Vec::new();
        for value in headers.get_all(X_FORWARDED_FOR) {
            match value.to_str() {
                Ok(list) => forwarded.extend(list.split(',').map(forwarded_address)),
                Err(_) => forwarded.push(None),
            }
        }
        let mut leftmost = peer;
        for entry in forwarded.iter().rev() {
            let Some(address) = *entry else {
                return peer;
            };
            if !self.trust(address) {
                return address;
            }
            leftmost = address;
        }
        leftmost
    }
}

impl FromStr for TrustedProxies {
    type Err = TrustedProxyError;

    /// A comma-separated list (`MADOGUCHI_TRUSTED_PROXIES`); empty entries are skipped, so
    /// an empty setting is no proxy at all.
    fn from_str(list: &str) -> Result<Self, Self::Err> {
        list.split(',')
            .filter(|entry| !entry.trim().is_empty())
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

impl fmt::Display for TrustedProxies {
    /// `10.0.0.5,fd00::/8`, or `none`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        for (i, proxy) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{proxy}")?;
        }
        Ok(())
    }
}

/// One `X-Forwarded-For` entry: an address, with a port if a proxy added one
/// (`192.0.2.1:4711`, `[2001:db8::1]:4711`).
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    let address = entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()?;
    Some(address.to_canonical())
}

#[cfg(test)]
mod tests;
