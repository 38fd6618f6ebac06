//! HTTP routing as Spin's trigger does it: exact routes beat wildcards,
//! longer wildcard prefixes beat shorter ones, a later duplicate replaces an
//! earlier one, and private components have no route at all.
//!
//! Mirrors spinframework/spin `crates/http/src/routes.rs` and the headers of
//! `crates/trigger-http/src/headers.rs`.

use crate::manifest::{HttpTrigger, Route};
use anyhow::{bail, Result};
use std::net::SocketAddr;

/// The public routes of an app.
#[derive(Debug, Clone)]
pub struct Router {
    routes: Vec<RouteEntry>,
}

#[derive(Debug, Clone)]
struct RouteEntry {
    component: String,
    /// The route as written in the manifest (`/rpc/...`).
    raw: String,
    pattern: Pattern,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Pattern {
    Exact(String),
    /// `/prefix/...`: the prefix itself and everything under it.
    Wildcard(String),
}

/// Which component answers a path, and what Spin tells it about the match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteMatch {
    pub component: String,
    /// `spin-matched-route` and `spin-raw-component-route` (no base path here).
    pub raw_route: String,
    /// `spin-component-route`: the route without its trailing `/...`.
    pub component_route: String,
    /// `spin-path-info`: the part of the path under a wildcard.
    pub path_info: String,
}

impl Router {
    pub fn build(triggers: &[HttpTrigger]) -> Result<Self> {
        let mut routes: Vec<RouteEntry> = Vec::new();
        for trigger in triggers {
            let raw = match &trigger.route {
                Route::Private { private: true } => continue,
                Route::Private { private: false } => bail!(
                    "component {:?}: a route is a path or {{ private = true }}",
                    trigger.component
                ),
                Route::Path(path) => path,
            };
            let entry = RouteEntry {
                component: trigger.component.clone(),
                raw: raw.clone(),
                pattern: parse(raw)?,
            };
            routes.retain(|known| known.raw != entry.raw);
            routes.push(entry);
        }
        Ok(Router { routes })
    }

    /// Each public route as written, with its component.
    pub fn routes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.routes
            .iter()
            .map(|entry| (entry.raw.as_str(), entry.component.as_str()))
    }

    /// The best route for a path, if any.
    pub fn route(&self, path: &str) -> Option<RouteMatch> {
        let path = if path.is_empty() { "/" } else { path };
        let exact = self
            .routes
            .iter()
            .find(|entry| entry.pattern == Pattern::Exact(normalize(path)));
        let best = exact.or_else(|| {
            self.routes
                .iter()
                .filter_map(|entry| match &entry.pattern {
                    Pattern::Wildcard(prefix) if under(path, prefix) => Some((prefix.len(), entry)),
                    _ => None,
                })
                .max_by_key(|(length, _)| *length)
                .map(|(_, entry)| entry)
        })?;
        let path_info = match &best.pattern {
            Pattern::Exact(_) => String::new(),
            Pattern::Wildcard(prefix) => path[prefix.len()..].to_owned(),
        };
        Some(RouteMatch {
            component: best.component.clone(),
            raw_route: best.raw.clone(),
            component_route: best
                .raw
                .strip_suffix("/...")
                .unwrap_or(&best.raw)
                .to_owned(),
            path_info,
        })
    }
}

impl RouteMatch {
    /// How Spin routes a chained request (`http://<id>.spin.internal/path`):
    /// as if the component had the route `/...`.
    pub fn chained(component: &str, path: &str) -> Self {
        RouteMatch {
            component: component.to_owned(),
            raw_route: "/...".to_owned(),
            component_route: String::new(),
            path_info: path.to_owned(),
        }
    }

    /// The `spin-*` headers Spin adds to the request a component sees.
    pub fn headers(&self, full_url: &str, client: SocketAddr) -> Vec<(&'static str, String)> {
        vec![
            ("spin-full-url", full_url.to_owned()),
            ("spin-path-info", self.path_info.clone()),
            ("spin-matched-route", self.raw_route.clone()),
            ("spin-base-path", "/".to_owned()),
            ("spin-raw-component-route", self.raw_route.clone()),
            ("spin-component-route", self.component_route.clone()),
            ("spin-client-addr", client.to_string()),
        ]
    }
}

fn parse(raw: &str) -> Result<Pattern> {
    let absolute = if raw.starts_with('/') {
        raw.to_owned()
    } else {
        format!("/{raw}")
    };
    if absolute.split('/').any(|segment| segment.starts_with(':')) || absolute.contains('*') {
        bail!("route {raw:?}: named and `*` wildcards are not supported by this host (only exact and `/...`)");
    }
    Ok(match absolute.strip_suffix("/...") {
        Some(prefix) => Pattern::Wildcard(prefix.to_owned()),
        None => Pattern::Exact(normalize(&absolute)),
    })
}

/// Spin compares routes without one trailing slash.
fn normalize(path: &str) -> String {
    match path.strip_suffix('/') {
        Some(stripped) if !stripped.is_empty() => stripped.to_owned(),
        _ => path.to_owned(),
    }
}

/// Whether `path` is `prefix` or lies under it (segment-wise).
fn under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router(routes: &[(&str, &str)]) -> Router {
        let triggers: Vec<HttpTrigger> = routes
            .iter()
            .map(|(component, route)| HttpTrigger {
                route: if *route == "private" {
                    Route::Private { private: true }
                } else {
                    Route::Path(route.to_string())
                },
                component: component.to_string(),
                executor: None,
            })
            .collect();
        Router::build(&triggers).unwrap()
    }

    fn component(router: &Router, path: &str) -> Option<String> {
        router.route(path).map(|found| found.component)
    }

    #[test]
    fn exact_beats_wildcard_and_longest_prefix_wins() {
        let r = router(&[
            ("all", "/..."),
            ("one", "/one/..."),
            ("one-two", "/one/two/..."),
            ("exact", "/one/two"),
        ]);
        assert_eq!(component(&r, "/one/two").as_deref(), Some("exact"));
        assert_eq!(component(&r, "/one/two/three").as_deref(), Some("one-two"));
        assert_eq!(component(&r, "/one/twothree").as_deref(), Some("one"));
        assert_eq!(component(&r, "/one").as_deref(), Some("one"));
        assert_eq!(component(&r, "/").as_deref(), Some("all"));
        assert_eq!(component(&r, "/other").as_deref(), Some("all"));
    }

    #[test]
    fn a_wildcard_matches_its_prefix_itself_and_reports_path_info() {
        let r = router(&[("rpc", "/rpc/...")]);
        let at = |path: &str| r.route(path).map(|found| found.path_info);
        assert_eq!(at("/rpc").as_deref(), Some(""));
        assert_eq!(at("/rpc/").as_deref(), Some("/"));
        assert_eq!(at("/rpc/1").as_deref(), Some("/1"));
        assert_eq!(at("/rpcx"), None);
        assert_eq!(at("/"), None);
        let found = r.route("/rpc/1").unwrap();
        assert_eq!(
            (found.raw_route.as_str(), found.component_route.as_str()),
            ("/rpc/...", "/rpc")
        );
    }

    #[test]
    fn private_components_have_no_route_and_later_duplicates_win() {
        let r = router(&[("double", "private"), ("a", "/x"), ("b", "/x")]);
        assert_eq!(component(&r, "/x").as_deref(), Some("b"));
        assert_eq!(component(&r, "/double"), None);
        assert_eq!(r.routes.len(), 1);
    }

    #[test]
    fn spin_headers_describe_the_match() {
        let r = router(&[("rpc-router", "/rpc/...")]);
        let client: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let headers = r
            .route("/rpc/1")
            .unwrap()
            .headers("http://localhost:3000/rpc/1?a=b", client);
        let get = |name: &str| {
            headers
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.as_str())
        };
        assert_eq!(
            get("spin-full-url"),
            Some("http://localhost:3000/rpc/1?a=b")
        );
        assert_eq!(get("spin-path-info"), Some("/1"));
        assert_eq!(get("spin-matched-route"), Some("/rpc/..."));
        assert_eq!(get("spin-raw-component-route"), Some("/rpc/..."));
        assert_eq!(get("spin-component-route"), Some("/rpc"));
        assert_eq!(get("spin-base-path"), Some("/"));
        assert_eq!(get("spin-client-addr"), Some("127.0.0.1:5000"));
        let chained = RouteMatch::chained("double", "/");
        assert_eq!(
            (chained.raw_route.as_str(), chained.path_info.as_str()),
            ("/...", "/")
        );
    }

    #[test]
    fn exact_routes_ignore_one_trailing_slash() {
        let r = router(&[("a", "/a/")]);
        assert_eq!(component(&r, "/a").as_deref(), Some("a"));
        assert_eq!(component(&r, "/a/").as_deref(), Some("a"));
    }
}
