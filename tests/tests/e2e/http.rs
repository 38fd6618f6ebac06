//! The HTTP face of the app: every path under `/rpc` is the endpoint, only
//! POST is, functions have no public route, `/health` answers by itself,
//! and, CORS off, no other site's page may post to it.

use crate::checks::*;
use crate::{Case, Servers};
use harness::client::{post, raw, request};
use libtest_mimic::Failed;
use serde_json::json;

pub const CASES: &[(&str, Case)] = cases![
    every_path_under_rpc_is_the_endpoint,
    other_http_methods_get_405,
    functions_have_no_public_route,
    the_health_route_answers_without_a_function,
    the_explorer_page_is_at_the_root_only,
    with_cors_off_another_sites_page_may_not_post,
];

/// A plain cross-site POST (`text/plain`) needs no preflight: with CORS off,
/// any web page could make its visitor's browser call an open endpoint on
/// their intranet. A page of the endpoint's own origin may, and so may a
/// client that sends no `Origin` (curl, servers).
fn with_cors_off_another_sites_page_may_not_post(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.default;
    let body = call("double", json!([4]), json!(1))
        .to_string()
        .into_bytes();
    let own = format!("http://{}", server.address);
    for (origin, status) in [
        (Some("https://evil.example"), 403),
        (Some("null"), 403),
        (Some(own.as_str()), 200),
        (None, 200),
    ] {
        let mut headers = vec![("content-type", &b"text/plain"[..])];
        headers.extend(origin.map(|origin| ("origin", origin.as_bytes())));
        let answer = raw(server.address, "POST", "/rpc", &headers, body.clone());
        expect_eq(answer.status, status, &format!("origin {origin:?}"))?;
        let reply = answer.json();
        match status {
            200 => expect_eq(reply["result"].clone(), json!(8), "the call")?,
            _ => expect_eq(error_code(&reply), Some(-32600), "the refusal")?,
        }
    }
    Ok(())
}

fn every_path_under_rpc_is_the_endpoint(servers: &Servers) -> Result<(), Failed> {
    for path in ["/rpc", "/rpc/", "/rpc/1", "/rpc/any/depth?query=1"] {
        let reply = json_reply(&post(
            &servers.default.url(path),
            call("double", json!([2]), json!(1)).to_string(),
        ))?;
        expect_eq(reply["result"].clone(), json!(4), path)?;
    }
    Ok(())
}

fn other_http_methods_get_405(servers: &Servers) -> Result<(), Failed> {
    for method in ["GET", "PUT", "DELETE", "PATCH"] {
        let answer = request(method, &servers.default.url("/rpc"));
        expect_eq(answer.status, 405, method)?;
        expect_eq(answer.header("allow"), Some("POST"), "Allow")?;
        let body = answer.json();
        expect_eq(
            body["jsonrpc"].clone(),
            json!("2.0"),
            "a JSON-RPC error body",
        )?;
        expect_eq(error_code(&body), Some(-32600), "code")?;
    }
    Ok(())
}

fn functions_have_no_public_route(servers: &Servers) -> Result<(), Failed> {
    for path in ["/double", "/triple", "/rpc-router", "/double/rpc", "/rpcx"] {
        let answer = post(
            &servers.default.url(path),
            call("double", json!([1]), json!(1)).to_string(),
        );
        expect_eq(answer.status, 404, path)?;
    }
    Ok(())
}

fn the_health_route_answers_without_a_function(servers: &Servers) -> Result<(), Failed> {
    let answer = request("GET", &servers.default.url("/health"));
    expect_eq(answer.status, 200, "GET /health")?;
    expect_eq(
        answer.header("content-type"),
        Some("application/json"),
        "content type",
    )?;
    let body = answer.json();
    expect_eq(body["status"].clone(), json!("ok"), "status")?;
    check(
        body["name"].is_string() && body["version"].is_string(),
        || format!("the app's name and version: {body}"),
    )?;
    let answer = post(&servers.default.url("/health"), "{}");
    expect_eq(answer.status, 405, "POST /health")?;
    expect_eq(answer.header("allow"), Some("GET"), "Allow")?;
    // With a trailing slash: the health check, or no route at all (as the
    // runtime routes it), never the JSON-RPC endpoint.
    let slash = request("GET", &servers.default.url("/health/"));
    match slash.status {
        200 => expect_eq(slash.json()["status"].clone(), json!("ok"), "/health/")?,
        status => expect_eq(status, 404, "GET /health/")?,
    }
    still_serving(&servers.default)
}

fn the_explorer_page_is_at_the_root_only(servers: &Servers) -> Result<(), Failed> {
    let page = request("GET", &servers.default.url("/"));
    expect_eq(page.status, 200, "GET /")?;
    expect_eq(
        page.header("content-type"),
        Some("text/html; charset=utf-8"),
        "content type",
    )?;
    let html = page.text();
    check(
        html.contains("rpc.discover") && html.len() <= 30 * 1024,
        || {
            format!(
                "a page under 30 KiB that reads rpc.discover ({} bytes)",
                html.len()
            )
        },
    )?;
    let posted = post(&servers.default.url("/"), "{}");
    expect_eq(posted.status, 405, "POST /")?;
    expect_eq(posted.header("allow"), Some("GET"), "Allow")?;
    expect_eq(
        request("GET", &servers.default.url("/index.html")).status,
        404,
        "GET /index.html",
    )
}
