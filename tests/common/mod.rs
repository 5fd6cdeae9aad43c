//! Test helpers: a server on 127.0.0.1 that records what arrives and answers canned bodies.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};

/// A request as it arrived.
#[derive(Clone, Debug)]
pub struct Captured {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Captured {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// Method, path, query, headers (secrets and volatile values masked) and JSON body.
    pub fn render(&self) -> String {
        const SECRET: &[&str] = &[
            "authorization",
            "x-access-token",
            "x-conference-authorization",
            "x-password",
        ];
        const VOLATILE: &[&str] = &["host", "content-length", "accept-encoding"];
        let mut out = format!("{} {}", self.method, self.path);
        if let Some(query) = &self.query {
            out.push('?');
            out.push_str(query);
        }
        out.push('\n');
        for (name, value) in &self.headers {
            if VOLATILE.contains(&name.as_str()) {
                continue;
            }
            let value = if SECRET.contains(&name.as_str()) {
                mask(value)
            } else {
                value.clone()
            };
            out.push_str(&format!("{name}: {value}\n"));
        }
        if !self.body.is_empty() {
            let mut json = self.json().expect("request bodies are JSON");
            // A fresh signature input on every call.
            for key in ["nonce", "expireTime"] {
                if let Some(v) = json.get_mut(key) {
                    *v = serde_json::Value::String(format!("<{key}>"));
                }
            }
            out.push_str(&serde_json::to_string_pretty(&json).unwrap());
            out.push('\n');
        }
        out
    }
}

/// Keeps the scheme of an Authorization value, masks the secret part.
fn mask(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme @ ("Basic" | "HMAC-SHA256"), rest)) => {
            let access = rest
                .split(',')
                .find(|p| p.starts_with("access="))
                .map(|a| format!(",{a}"))
                .unwrap_or_default();
            format!("{scheme} ***{access}")
        }
        _ => "***".into(),
    }
}

#[derive(Clone, Default)]
pub struct Capture {
    pub requests: Arc<Mutex<Vec<Captured>>>,
}

impl Capture {
    pub fn take(&self) -> Vec<Captured> {
        std::mem::take(&mut *self.requests.lock().unwrap())
    }
}

async fn record(State(capture): State<Capture>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let mut headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    headers.sort();
    capture.requests.lock().unwrap().push(Captured {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        headers,
        body,
    });
    let json =
        |v: serde_json::Value| ([("content-type", "application/json;charset=UTF-8")], v.to_string()).into_response();
    let path = uri.path();
    if path.ends_with("/auth/appauth") || path.ends_with("/auth/account") {
        json(
            serde_json::json!({"accessToken": "captured-access-token", "validPeriod": 3600, "expireTime": 4102444800_i64}),
        )
    } else if path.ends_with("/conferences/token") {
        json(serde_json::json!({"data": {"token": "captured-control-token", "confTokenExpireTime": 1800}}))
    } else if (path.ends_with("/conferences") || path.ends_with("/cycleconferences"))
        && method != Method::GET
        && method != Method::DELETE
    {
        json(serde_json::json!([]))
    } else if method == Method::GET || path.ends_with("/start") {
        json(serde_json::json!({}))
    } else {
        ([("content-type", "application/json;charset=UTF-8")], String::new()).into_response()
    }
}

/// Starts the capture server; returns its base URL.
pub async fn capture_server() -> (String, Capture) {
    capture_server_on("127.0.0.1").await
}

/// Starts the capture server on this loopback address.
pub async fn capture_server_on(ip: &str) -> (String, Capture) {
    let capture = Capture::default();
    let app = axum::Router::new().fallback(record).with_state(capture.clone());
    let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), capture)
}

/// `http://127.0.0.1:PORT` with nothing listening on PORT (bound, then released).
pub fn closed_port_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}")
}
