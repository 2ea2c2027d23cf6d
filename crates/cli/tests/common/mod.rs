//! What the tests that run whole `madoguchi` processes share: a database of their own on
//! either backend ([`database`]), `madoguchi serve` started on a free port and stopped or
//! killed ([`server`]), and a small HTTP/1.1 client that keeps cookies and the CSRF token
//! as a browser and its forms do ([`http`]), and a real SMTP server on loopback
//! ([`smtp_sink`]). Each test binary uses its own part of it.

#![allow(dead_code)]

pub mod database;
pub mod http;
pub mod server;
pub mod smtp_sink;
