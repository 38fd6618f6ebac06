//! `explorer`: the page at `/` (`page.html`, compiled in). Everything it
//! shows comes from `rpc.discover`, which the page asks `/rpc` for in the
//! browser: a function added to the app appears with no change here. The
//! component itself only serves the page; it calls nothing.

/// The page: HTML, CSS and JavaScript in one file, no CDN, no build step.
pub const PAGE: &str = include_str!("page.html");

// `CONTENT_SECURITY_POLICY`, from the page's inline style and script (build.rs).
include!(concat!(env!("OUT_DIR"), "/policy.rs"));

/// The HTTP status and headers of the answer to `method` (the page, or a
/// 405 naming GET), and whether the page goes with it.
pub fn answer(method_is_get_or_head: bool) -> (u16, &'static [(&'static str, &'static str)]) {
    if method_is_get_or_head {
        (
            200,
            &[
                ("content-type", "text/html; charset=utf-8"),
                ("cache-control", "no-cache"),
                ("content-security-policy", CONTENT_SECURITY_POLICY),
                ("x-content-type-options", "nosniff"),
                ("referrer-policy", "no-referrer"),
                // Older browsers that know no frame-ancestors.
                ("x-frame-options", "DENY"),
            ],
        )
    } else {
        (405, &[("allow", "GET")])
    }
}

#[cfg(target_arch = "wasm32")]
#[spin_sdk::http_component]
fn handle(request: spin_sdk::http::Request) -> spin_sdk::http::Response {
    use spin_sdk::http::Method;
    let method = request.method();
    let is_get = matches!(method, Method::Get | Method::Head);
    let (status, headers) = answer(is_get);
    let mut response = spin_sdk::http::Response::builder();
    response.status(status);
    for (name, value) in headers {
        response.header(*name, *value);
    }
    let body = if *method == Method::Get { PAGE } else { "" };
    response.body(body).build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_small_and_self_contained() {
        assert!(PAGE.len() <= 30 * 1024, "{} bytes", PAGE.len());
        for outside in ["src=\"http", "href=\"http", "@import", "<link"] {
            assert!(
                !PAGE.contains(outside),
                "the page loads nothing from elsewhere: {outside}"
            );
        }
    }

    #[test]
    fn the_policy_allows_the_inline_style_and_script_by_digest_only() {
        let policy = CONTENT_SECURITY_POLICY;
        assert!(policy.starts_with("default-src 'none'; script-src 'sha256-"));
        assert!(policy.contains("; style-src 'sha256-"));
        assert!(policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe"));
    }

    #[test]
    fn only_get_gets_the_page() {
        assert_eq!(answer(true).0, 200);
        assert_eq!(answer(false), (405, &[("allow", "GET")][..]));
    }
}
