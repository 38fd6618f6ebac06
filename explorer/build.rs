//! The page's Content-Security-Policy, computed from the page itself: its one
//! inline `<style>` and one inline `<script>` are allowed by their SHA-256
//! digests, so nothing else the page might be made to hold can run or style
//! it; and no site may frame it.

use base64::Engine;
use sha2::{Digest, Sha256};
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=src/page.html");
    let page = std::fs::read_to_string("src/page.html").expect("reading src/page.html");
    let style = digest_of(&page, "<style>", "</style>");
    let script = digest_of(&page, "<script>", "</script>");
    let policy = format!(
        "default-src 'none'; script-src '{script}'; style-src '{style}'; connect-src 'self'; \
         img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    );
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let code = format!("pub const CONTENT_SECURITY_POLICY: &str = {policy:?};\n");
    std::fs::write(Path::new(&out).join("policy.rs"), code).expect("writing policy.rs");
}

/// `sha256-<base64>` of the text between `open` and `close`, which the page
/// must hold exactly once (a second inline element would be refused by the
/// browser, not silently allowed).
fn digest_of(page: &str, open: &str, close: &str) -> String {
    let pieces: Vec<&str> = page.split(open).collect();
    assert_eq!(pieces.len(), 2, "the page holds exactly one {open}");
    let (inner, _) = pieces[1].split_once(close).expect("a closed element");
    let digest = Sha256::digest(inner.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}
