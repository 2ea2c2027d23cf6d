use axum::http::HeaderValue;

use super::*;

fn proxies(list: &[&str]) -> TrustedProxies {
    TrustedProxies::new(list.iter().map(|p| p.parse().unwrap()))
}

fn forwarded(values: &[&str]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for value in values {
        headers.append(X_FORWARDED_FOR, HeaderValue::from_str(value).unwrap());
    }
    headers
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

#[test]
fn a_header_from_a_peer_that_is_not_trusted_is_ignored() {
    let spoofed = forwarded(&["203.0.113.66"]);
    let client = IpAddr::from([198, 51, 100, 7]);
    assert_eq!(proxies(&[]).client(client, &spoofed), client);
    assert_eq!(proxies(&["10.0.0.0/8"]).client(client, &spoofed), client);
}

#[test]
fn behind_a_trusted_proxy_the_client_is_the_address_it_forwarded() {
    let trusted = proxies(&["10.0.0.5"]);
    let peer = ip("10.0.0.5");
    assert_eq!(
        trusted.client(peer, &forwarded(&["203.0.113.9"])),
        ip("203.0.113.9")
    );
    // What the client wrote itself is left of what the proxy appended.
    assert_eq!(
        trusted.client(peer, &forwarded(&["198.51.100.1, 203.0.113.9"])),
        ip("203.0.113.9")
    );
    // No header: the proxy itself.
    assert_eq!(trusted.client(peer, &HeaderMap::new()), peer);
}

#[test]
fn a_chain_of_trusted_proxies_is_walked_from_the_right() {
    let trusted = proxies(&["10.0.0.0/8", "192.168.1.1"]);
    let peer = ip("10.1.2.3");
    let chain = forwarded(&["198.51.100.1, 203.0.113.9, 192.168.1.1, 10.9.9.9"]);
    assert_eq!(trusted.client(peer, &chain), ip("203.0.113.9"));
    // Several header lines are one list, in order.
    let lines = forwarded(&["198.51.100.1, 203.0.113.9", "192.168.1.1", "10.9.9.9"]);
    assert_eq!(trusted.client(peer, &lines), ip("203.0.113.9"));
    // Every address trusted: the one farthest away.
    let inside = forwarded(&["10.7.7.7, 192.168.1.1"]);
    assert_eq!(trusted.client(peer, &inside), ip("10.7.7.7"));
}

#[test]
fn ipv6_proxies_and_clients_are_understood() {
    let trusted = proxies(&["fd00::/8", "2001:db8:1::1"]);
    let chain = forwarded(&["2001:db8:ffff::42, 2001:db8:1::1"]);
    assert_eq!(
        trusted.client(ip("fd12::1"), &chain),
        ip("2001:db8:ffff::42")
    );
    // A bracketed address with a port, as some proxies write it.
    let with_port = forwarded(&["[2001:db8:ffff::42]:51234"]);
    assert_eq!(
        trusted.client(ip("fd12::1"), &with_port),
        ip("2001:db8:ffff::42")
    );
    // An IPv4 proxy seen by a server listening on `[::]` arrives IPv4-mapped.
    let v4_proxy = proxies(&["10.0.0.5"]);
    let mapped = ip("::ffff:10.0.0.5");
    let client = v4_proxy.client(mapped, &forwarded(&["::ffff:203.0.113.9"]));
    assert_eq!(client, ip("203.0.113.9"));
    // Not trusted: the mapped peer is reported as the IPv4 address it is.
    assert_eq!(
        proxies(&[]).client(ip("::ffff:198.51.100.7"), &HeaderMap::new()),
        ip("198.51.100.7")
    );
}

#[test]
fn a_malformed_entry_that_has_to_be_read_falls_back_to_the_peer() {
    let trusted = proxies(&["10.0.0.0/8"]);
    let peer = ip("10.0.0.5");
    for bad in [
        "unknown",
        "",
        "203.0.113.9, ",
        "203.0.113.9,,10.0.0.7",
        "2001:db8::1%eth0",
    ] {
        assert_eq!(trusted.client(peer, &forwarded(&[bad])), peer, "{bad:?}");
    }
    let mut opaque = HeaderMap::new();
    opaque.append(
        X_FORWARDED_FOR,
        HeaderValue::from_bytes(b"203.0.113.\xff").unwrap(),
    );
    assert_eq!(trusted.client(peer, &opaque), peer);
    // Garbage a client wrote left of the address our proxy appended is never read, so
    // it cannot make everyone look like the proxy.
    let garbage_left = forwarded(&["<script>, 203.0.113.9"]);
    assert_eq!(trusted.client(peer, &garbage_left), ip("203.0.113.9"));
}

#[test]
fn a_proxy_is_an_address_or_a_network_and_reads_back_as_written() {
    for text in [
        "10.0.0.5",
        "10.0.0.0/8",
        "0.0.0.0/0",
        "fd00::/8",
        "::1",
        "2001:db8::/32",
    ] {
        let proxy: TrustedProxy = text.parse().unwrap();
        assert_eq!(proxy.to_string(), text);
    }
    assert_eq!(
        " 10.0.0.5 ".parse::<TrustedProxy>().unwrap().to_string(),
        "10.0.0.5"
    );
    assert_eq!(
        "10.0.0.5/32".parse::<TrustedProxy>().unwrap().to_string(),
        "10.0.0.5"
    );
    assert_eq!(
        "::ffff:10.0.0.0/104"
            .parse::<TrustedProxy>()
            .unwrap()
            .to_string(),
        "10.0.0.0/8"
    );
    let list: TrustedProxies = " 10.0.0.5, fd00::/8,".parse().unwrap();
    assert_eq!(list, proxies(&["10.0.0.5", "fd00::/8"]));
    assert_eq!(list.to_string(), "10.0.0.5,fd00::/8");
    assert_eq!("".parse(), Ok(TrustedProxies::default()));
    assert_eq!(TrustedProxies::default().to_string(), "none");
    let message = "10.0.0.5,proxy.city.example"
        .parse::<TrustedProxies>()
        .unwrap_err();
    assert!(
        message.to_string().contains("「proxy.city.example」"),
        "{message}"
    );
}

#[test]
fn a_network_holds_exactly_its_addresses() {
    let network: TrustedProxy = "192.168.4.0/22".parse().unwrap();
    assert!(network.contains(ip("192.168.4.0")));
    assert!(network.contains(ip("192.168.7.255")));
    assert!(!network.contains(ip("192.168.8.0")));
    assert!(!network.contains(ip("192.168.3.255")));
    assert!(
        !network.contains(ip("::ffff:192.168.4.1")),
        "callers canonicalise"
    );
    let everything: TrustedProxy = "0.0.0.0/0".parse().unwrap();
    assert!(everything.contains(ip("203.0.113.9")));
    assert!(!everything.contains(ip("2001:db8::1")));
    let v6: TrustedProxy = "2001:db8::/127".parse().unwrap();
    assert!(v6.contains(ip("2001:db8::1")));
    assert!(!v6.contains(ip("2001:db8::2")));
}

#[test]
fn a_bad_proxy_is_refused_with_a_japanese_message_naming_it() {
    for bad in [
        "",
        "proxy",
        "10.0.0",
        "10.0.0.0/33",
        "fd00::/129",
        "10.0.0.0/",
        "10.0.0.0/+8",
        "10.0.0.0/-1",
        "10.0.0.0/8/8",
        "10.0.0.5:80",
        "fe80::1%eth0",
    ] {
        let message = bad.parse::<TrustedProxy>().unwrap_err().to_string();
        assert!(
            message.contains(&format!("信頼するプロキシ「{bad}」")),
            "{message}"
        );
        assert!(message.contains("例：10.0.0.5"), "{message}");
    }
    let message = "10.0.0.5/24"
        .parse::<TrustedProxy>()
        .unwrap_err()
        .to_string();
    assert!(message.contains("「10.0.0.5/24」"), "{message}");
    assert!(message.contains("「10.0.0.0/24」"), "{message}");
}
