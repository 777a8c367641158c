//! Input hardening: oversized bodies, heads and URIs, deep and huge JSON, long strings, control
//! characters and broken Unicode, SQL-looking text, path traversal. Every refusal is a clean 4xx
//! in the envelope of the surface that was called, and changes nothing (the fingerprint of every
//! table stays the same); text that is merely unusual (emoji, combining marks, right-to-left and
//! zero-width characters, SQL) is kept exactly as sent. The README's security section has the
//! table of what is tried here.

mod caller_first;
mod fields;
mod injection;
mod ready;
mod sizes;
mod unicode;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

use crate::support::{Resp, TestApp};

/// A request written byte for byte on its own connection (for what an HTTP client would refuse
/// to send or would normalise: invalid UTF-8, chunked bodies, dot segments, huge heads).
fn raw(app: &TestApp, request_line: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let addr = app.url().trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&addr).unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap_or_else(|e| panic!("timeout: {e}"));
    let mut head = format!("{request_line} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let chunked = headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding"));
    if !chunked && !body.is_empty() {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    if chunked {
        for part in body.chunks(8192) {
            bytes.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
            bytes.extend_from_slice(part);
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(b"0\r\n\r\n");
    } else {
        bytes.extend_from_slice(body);
    }
    // The server may answer (and close) before reading everything; what it said still counts.
    let _ = stream.write_all(&bytes);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    parse_response(&answer)
}

fn parse_response(answer: &[u8]) -> Resp {
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head: {:?}", String::from_utf8_lossy(answer)));
    let head = String::from_utf8_lossy(&answer[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line: {head}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = answer[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Resp {
        status,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        headers,
    }
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..eol]).trim(), 16)
            .unwrap_or_default();
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&rest[start..(start + size).min(rest.len())]);
        rest = &rest[(start + size + 2).min(rest.len())..];
    }
    out
}

fn bearer(app: &TestApp) -> String {
    format!("Bearer {}", app.owner)
}

/// Asserts a merchant-API validation failure naming `field`.
#[track_caller]
fn invalid_field(r: Resp, field: &str) -> Resp {
    let r = r.merchant_error(422, "VALIDATION_ERROR");
    assert!(r.body["errors"][field].is_array(), "{field}: {}", r.body);
    r
}

/// Asserts an edge-function validation failure (400) naming `field`.
#[track_caller]
fn edge_invalid_field(r: Resp, field: &str) -> Resp {
    let r = r.edge_error(400, "VALIDATION_ERROR");
    assert!(r.body["errors"][field].is_array(), "{field}: {}", r.body);
    r
}

/// A product with stock, for the edge functions to act on.
fn stocked(app: &TestApp) -> i64 {
    let p = app.product(&app.owner, "Latte", 10.0);
    app.stock_in(&app.owner, p, 10, None);
    p
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
