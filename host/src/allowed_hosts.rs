//! `allowed_outbound_hosts`: which URLs a component may send requests to.
//!
//! Mirrors the subset of spinframework/spin
//! `crates/factor-outbound-networking` (`config/allowed_hosts.rs`) this app
//! can use: `scheme://host[:port]` with `*` for the scheme, the port, the
//! whole host or a leading subdomain (`*.spin.internal`). A chained request
//! (`http://<component>.spin.internal`) is allowed only by an entry that
//! names it or `*.spin.internal`, exactly like any other host.

use anyhow::{bail, Context, Result};
use http::Uri;

/// The parsed `allowed_outbound_hosts` of one component.
#[derive(Debug, Clone, Default)]
pub struct AllowedHosts(Vec<AllowedHost>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct AllowedHost {
    scheme: Option<String>,
    host: HostPattern,
    port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum HostPattern {
    Any,
    Exact(String),
    /// `*.suffix`: any host ending in `.suffix`.
    Subdomain(String),
}

impl AllowedHosts {
    pub fn parse(entries: &[String]) -> Result<Self> {
        entries
            .iter()
            .filter(|entry| entry.as_str() != "self")
            .map(|entry| {
                AllowedHost::parse(entry)
                    .with_context(|| format!("allowed_outbound_hosts entry {entry:?}"))
            })
            .collect::<Result<_>>()
            .map(AllowedHosts)
    }

    /// Whether a request to `uri` is allowed.
    pub fn allows(&self, uri: &Uri) -> bool {
        let (Some(scheme), Some(host)) = (uri.scheme_str(), uri.host()) else {
            return false;
        };
        let port = uri.port_u16().or(match scheme {
            "http" => Some(80),
            "https" => Some(443),
            _ => None,
        });
        self.0.iter().any(|allowed| {
            allowed.scheme.as_deref().is_none_or(|s| s == scheme)
                && allowed.host.matches(&host.to_ascii_lowercase())
                && match allowed.port {
                    None => true,
                    Some(allowed_port) => port == Some(allowed_port),
                }
        })
    }
}

impl AllowedHost {
    fn parse(entry: &str) -> Result<Self> {
        if entry.contains("{{") {
            bail!("templated hosts are not supported by this host");
        }
        let (scheme, rest) = entry
            .split_once("://")
            .context("expected scheme://host[:port]")?;
        let scheme = match scheme {
            "*" => None,
            "http" | "https" => Some(scheme.to_owned()),
            other => bail!("scheme {other:?} is not http, https or *"),
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains('/') {
            bail!("a path is not allowed here");
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, "*")) => (host, None),
            Some((host, port)) => (host, Some(port.parse::<u16>().context("bad port")?)),
            None => (
                rest,
                scheme
                    .as_deref()
                    .map(|s| if s == "https" { 443 } else { 80 }),
            ),
        };
        if scheme.is_none() && port.is_none() && !rest.ends_with(":*") {
            bail!("with scheme `*`, give a port or `:*`");
        }
        let host = match host {
            "*" => HostPattern::Any,
            _ => match host.strip_prefix("*.") {
                Some(suffix) => HostPattern::Subdomain(suffix.to_ascii_lowercase()),
                None => HostPattern::Exact(host.to_ascii_lowercase()),
            },
        };
        Ok(AllowedHost { scheme, host, port })
    }
}

impl HostPattern {
    fn matches(&self, host: &str) -> bool {
        match self {
            HostPattern::Any => true,
            HostPattern::Exact(exact) => host == exact,
            HostPattern::Subdomain(suffix) => host
                .strip_suffix(suffix.as_str())
                .is_some_and(|head| head.len() > 1 && head.ends_with('.')),
        }
    }
}

/// The component a `http://<component>.spin.internal` URL chains to.
pub fn chaining_target(uri: &Uri) -> Option<&str> {
    uri.host()?
        .strip_suffix(".spin.internal")
        .filter(|id| !id.is_empty() && !id.contains('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(entries: &[&str], url: &str) -> bool {
        let entries: Vec<String> = entries.iter().map(|e| e.to_string()).collect();
        AllowedHosts::parse(&entries)
            .unwrap()
            .allows(&url.parse().unwrap())
    }

    #[test]
    fn chained_requests_need_their_component_listed() {
        let router = ["http://double.spin.internal", "http://triple.spin.internal"];
        assert!(allows(&router, "http://double.spin.internal/"));
        assert!(allows(&router, "http://triple.spin.internal/x"));
        assert!(!allows(&router, "http://rpc-router.spin.internal/"));
        assert!(!allows(&router, "https://double.spin.internal/"));
        assert!(!allows(&router, "http://double.spin.internal:8080/"));
        assert!(!allows(&["self"], "http://double.spin.internal/"));
        assert!(!allows(&[], "http://double.spin.internal/"));
        assert!(allows(
            &["http://*.spin.internal"],
            "http://anything.spin.internal/"
        ));
    }

    #[test]
    fn wildcards_for_scheme_host_and_port() {
        assert!(allows(&["*://example.com:*"], "https://example.com:8443/"));
        assert!(allows(
            &["https://*.example.com"],
            "https://api.example.com/"
        ));
        assert!(!allows(&["https://*.example.com"], "https://example.com/"));
        assert!(!allows(
            &["https://*.example.com"],
            "https://evilexample.com/"
        ));
        assert!(allows(&["http://localhost:3000"], "http://localhost:3000/"));
        assert!(!allows(
            &["http://localhost:3000"],
            "http://localhost:3001/"
        ));
    }

    #[test]
    fn chaining_targets() {
        let target = |url: &str| chaining_target(&url.parse().unwrap()).map(str::to_owned);
        assert_eq!(
            target("http://double.spin.internal/").as_deref(),
            Some("double")
        );
        assert_eq!(target("http://a.b.spin.internal/"), None);
        assert_eq!(target("http://example.com/"), None);
    }
}
