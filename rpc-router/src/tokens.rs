//! Bearer tokens with method scopes (the `tokens` variable, a secret).
//!
//! Unset or empty, the endpoint is open. Set, it holds entries separated by
//! white space, each a token or the SHA-256 of one, optionally limited to
//! some methods, and to some calls per window ([`crate::rate_limit`]):
//!
//! ```text
//! <token>[:<method>,<method>...][@<calls>/<window>]
//! sha256:<64 hex digits>[:<method>,<method>...][@<calls>/<window>]
//! ```
//!
//! A token is an RFC 6750 `b64token` (letters, digits, `-._~+/`, then `=`
//! padding), so it never holds `:`, `,`, `@` or a space. Tokens are compared by
//! their SHA-256 digests in constant time. Nothing here writes a token, a
//! digest or any part of the variable into an error: errors name the entry
//! by its position.

use crate::methods::Scope;
use crate::rate_limit::{Limited, RateLimit};
use sha2::{Digest, Sha256};

/// The variable, as errors name it.
pub const VARIABLE: &str = "tokens";

/// The accepted tokens; none: the endpoint is open.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Tokens {
    entries: Vec<Entry>,
}

#[derive(Debug, PartialEq, Eq)]
struct Entry {
    digest: [u8; 32],
    scope: Scope,
    limit: Option<RateLimit>,
}

/// What a request's token lets it do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    pub scope: Scope,
    /// Its rate limit; `None`: unlimited (an open endpoint is never limited).
    pub limited: Option<Limited>,
}

/// Why a request was refused before anything of it was read: the answer is
/// HTTP 401 with a `WWW-Authenticate` challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unauthorized {
    Missing,
    Repeated,
    NotBearer,
    Malformed,
    Unknown,
}

impl Unauthorized {
    /// What the client is told (never the token it sent).
    pub fn reason(self) -> &'static str {
        match self {
            Unauthorized::Missing => "this endpoint requires an Authorization: Bearer token",
            Unauthorized::Repeated => "the Authorization header is given more than once",
            Unauthorized::NotBearer => "the Authorization header is not a Bearer token",
            Unauthorized::Malformed => "the bearer token is not a valid token (RFC 6750)",
            Unauthorized::Unknown => "the bearer token is not one of this app's tokens",
        }
    }

    /// The `WWW-Authenticate` header (RFC 6750 §3).
    pub fn challenge(self) -> &'static str {
        match self {
            Unauthorized::Missing => "Bearer",
            Unauthorized::Repeated | Unauthorized::NotBearer | Unauthorized::Malformed => {
                "Bearer error=\"invalid_request\""
            }
            Unauthorized::Unknown => "Bearer error=\"invalid_token\"",
        }
    }
}

impl Tokens {
    /// Reads the variable's value; `methods` are the app's method names, which
    /// a scope may list (a name outside them is a configuration error, so
    /// that a typo never leaves a token without the method it was meant for).
    /// Entries are separated by any white space, newlines included; the
    /// same token listed twice (as itself or its digest) is refused, since
    /// only one of its scopes could ever apply.
    pub fn parse(text: &str, methods: &[&str]) -> Result<Self, String> {
        let mut entries: Vec<Entry> = Vec::new();
        for (index, entry) in text.split_whitespace().enumerate() {
            let problem = |problem| format!("variable {VARIABLE}, entry {}: {problem}", index + 1);
            let entry = Entry::parse(entry, methods).map_err(problem)?;
            if let Some(first) = entries.iter().position(|e| e.digest == entry.digest) {
                return Err(problem(&format!(
                    "the same token as entry {} (list each token once)",
                    first + 1
                )));
            }
            entries.push(entry);
        }
        Ok(Tokens { entries })
    }

    pub fn is_open(&self) -> bool {
        self.entries.is_empty()
    }

    /// What a request may do, given the values of its `Authorization`
    /// headers; an open endpoint grants every method, unlimited, whatever
    /// they hold.
    pub fn authorize(&self, authorization: &[&[u8]]) -> Result<Access, Unauthorized> {
        if self.is_open() {
            return Ok(Access::default());
        }
        let header = match authorization {
            [] => return Err(Unauthorized::Missing),
            [header] => *header,
            _ => return Err(Unauthorized::Repeated),
        };
        let token = bearer_token(header)?;
        let digest: [u8; 32] = Sha256::digest(token).into();
        // Every entry is compared, each in constant time: how long this takes
        // says nothing of which entry, or which bytes, came close.
        let mut granted = None;
        for entry in &self.entries {
            if same_digest(&entry.digest, &digest) && granted.is_none() {
                granted = Some(entry);
            }
        }
        granted.map(Entry::access).ok_or(Unauthorized::Unknown)
    }
}

impl Entry {
    fn parse(entry: &str, methods: &[&str]) -> Result<Self, &'static str> {
        let (entry, limit) = match entry.split_once('@') {
            Some((entry, limit)) => (entry, Some(RateLimit::parse(limit)?)),
            None => (entry, None),
        };
        let (digest, scope) = match entry.strip_prefix("sha256:") {
            Some(rest) => {
                let (hex, scope) = split_scope(rest);
                (digest_from_hex(hex)?, scope)
            }
            None => {
                let (token, scope) = split_scope(entry);
                if !is_b64token(token.as_bytes()) {
                    return Err("not a token (RFC 6750 b64token) or sha256:<64 hex digits>");
                }
                (Sha256::digest(token).into(), scope)
            }
        };
        let scope = match scope {
            None | Some("*") => Scope::All,
            Some(list) => {
                let listed: Vec<String> = list.split(',').map(str::to_owned).collect();
                if listed
                    .iter()
                    .any(|method| !methods.contains(&method.as_str()))
                {
                    return Err("its scope names a method the app does not have");
                }
                Scope::Methods(listed)
            }
        };
        Ok(Entry {
            digest,
            scope,
            limit,
        })
    }

    fn access(&self) -> Access {
        let limited = self.limit.map(|limit| Limited {
            limit,
            key: rate_limit_key(&self.digest),
        });
        Access {
            scope: self.scope.clone(),
            limited,
        }
    }
}

/// The name a token's count is kept under in the key-value store: 128 bits
/// of a digest of its digest, in hex. The store never holds the token, nor
/// the digest a `sha256:` entry would list.
fn rate_limit_key(digest: &[u8; 32]) -> String {
    let key = Sha256::new()
        .chain_update(b"rate-limit:")
        .chain_update(digest)
        .finalize();
    key[..16].iter().map(|byte| format!("{byte:02x}")).collect()
}

/// `credential[:methods]`.
fn split_scope(entry: &str) -> (&str, Option<&str>) {
    match entry.split_once(':') {
        Some((credential, scope)) => (credential, Some(scope)),
        None => (entry, None),
    }
}

fn digest_from_hex(hex: &str) -> Result<[u8; 32], &'static str> {
    const NOT_A_DIGEST: &str = "sha256: is not followed by 64 hex digits";
    // Exactly 64 hex digits: from_str_radix alone would take a sign.
    if hex.len() != 64 || !hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Err(NOT_A_DIGEST);
    }
    let mut digest = [0; 32];
    for (byte, pair) in digest.iter_mut().zip(hex.as_bytes().chunks(2)) {
        let pair = std::str::from_utf8(pair).map_err(|_| NOT_A_DIGEST)?;
        *byte = u8::from_str_radix(pair, 16).map_err(|_| NOT_A_DIGEST)?;
    }
    Ok(digest)
}

/// The token of an `Authorization: Bearer <token>` header value (the scheme
/// is case-insensitive, RFC 7235).
fn bearer_token(header: &[u8]) -> Result<&[u8], Unauthorized> {
    let header = header.trim_ascii();
    let (scheme, rest) = match header.iter().position(|&byte| byte == b' ') {
        Some(space) => header.split_at(space),
        None => (header, &[][..]),
    };
    if !scheme.eq_ignore_ascii_case(b"bearer") {
        return Err(Unauthorized::NotBearer);
    }
    let token = rest.trim_ascii_start();
    if !is_b64token(token) {
        return Err(Unauthorized::Malformed);
    }
    Ok(token)
}

/// RFC 6750 §2.1: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
fn is_b64token(token: &[u8]) -> bool {
    let body = token.len() - token.iter().rev().take_while(|&&b| b == b'=').count();
    body > 0
        && token[..body]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
}

/// Equal digests, compared without an early exit.
fn same_digest(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const METHODS: &[&str] = &["double", "triple", "echo", "rpc.discover"];
    /// 64 hex digits: the form of a digest entry.
    const DIGEST_ENTRY: &str =
        "sha256:0c3e8f2d83ac2f5e5bd0a7f3a5d6c2b9c4e3d1f7a8b6e5c4d3f2a1b0c9d8e7f6";

    fn tokens(text: &str) -> Tokens {
        Tokens::parse(text, METHODS).unwrap()
    }

    fn scope_of(tokens: &Tokens, headers: &[&[u8]]) -> Result<Scope, Unauthorized> {
        tokens.authorize(headers).map(|access| access.scope)
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|byte| format!("{byte:02x}")).collect()
    }

    #[test]
    fn unset_or_empty_is_open_to_anyone() {
        for text in ["", "  \n "] {
            let open = tokens(text);
            assert!(open.is_open());
            assert_eq!(scope_of(&open, &[]), Ok(Scope::All));
            assert_eq!(scope_of(&open, &[b"Basic eA==", b"x"]), Ok(Scope::All));
        }
    }

    #[test]
    fn a_known_token_gets_its_scope_by_value_or_by_digest() {
        let digest = hex(&Sha256::digest(b"hashed-token"));
        let tokens = tokens(&format!("reader:double,triple sha256:{digest} admin:*"));
        assert_eq!(
            scope_of(&tokens, &[b"Bearer reader"]),
            Ok(Scope::Methods(vec!["double".into(), "triple".into()]))
        );
        assert_eq!(
            scope_of(&tokens, &[b"bearer  hashed-token "]),
            Ok(Scope::All)
        );
        assert_eq!(scope_of(&tokens, &[b"BEARER admin"]), Ok(Scope::All));
    }

    #[test]
    fn a_token_may_be_limited_in_calls_per_window_under_a_key_that_hides_it() {
        let digest = hex(&Sha256::digest(b"hashed-token"));
        let tokens = tokens(&format!(
            "metered@100/m reader:double@5/10s sha256:{digest}@1/h free"
        ));
        let limited = |header: &[u8]| tokens.authorize(&[header]).unwrap().limited;
        let metered = limited(b"Bearer metered").unwrap();
        assert_eq!(metered.limit, RateLimit::parse("100/m").unwrap());
        let reader = tokens.authorize(&[b"Bearer reader"]).unwrap();
        assert_eq!(reader.scope, Scope::Methods(vec!["double".into()]));
        assert_eq!(
            reader.limited.unwrap().limit,
            RateLimit::parse("5/10s").unwrap()
        );
        assert_eq!(limited(b"Bearer free"), None);
        let hashed = limited(b"Bearer hashed-token").unwrap();
        // Each token counts under its own key, of 32 hex digits, which is
        // neither the token nor its digest.
        assert_ne!(hashed.key, metered.key);
        assert_eq!(hashed.key.len(), 32);
        assert!(!digest.contains(&hashed.key) && !hashed.key.contains("hashed"));
    }

    #[test]
    fn a_token_listed_as_itself_and_as_its_digest_is_refused() {
        let digest = hex(&Sha256::digest(b"s3cret"));
        let error = Tokens::parse(&format!("s3cret sha256:{digest}"), METHODS).unwrap_err();
        assert!(
            error.contains("entry 2: the same token as entry 1"),
            "{error}"
        );
        assert!(!error.contains(&digest), "{error}");
    }

    #[test]
    fn newlines_separate_entries() {
        let tokens = tokens("reader:double\r\nadmin\n\twriter:triple");
        assert_eq!(scope_of(&tokens, &[b"Bearer admin"]), Ok(Scope::All));
        assert_eq!(
            scope_of(&tokens, &[b"Bearer writer"]),
            Ok(Scope::Methods(vec!["triple".into()]))
        );
    }

    #[test]
    fn a_scope_allows_its_methods_and_discovery() {
        let scope = Scope::Methods(vec!["double".into()]);
        assert!(scope.allows("double") && scope.allows("rpc.discover"));
        assert!(!scope.allows("triple") && !scope.allows("echo"));
    }

    #[test]
    fn every_other_header_is_refused_with_its_reason() {
        let tokens = tokens("s3cret");
        let long = format!("Bearer {}", "a".repeat(100_000));
        for (headers, refused) in [
            (&[][..], Unauthorized::Missing),
            (
                &[&b"Bearer s3cret"[..], b"Bearer s3cret"][..],
                Unauthorized::Repeated,
            ),
            (&[&b"Basic czNjcmV0"[..]][..], Unauthorized::NotBearer),
            (&[&b"s3cret"[..]][..], Unauthorized::NotBearer),
            (&[&b"Bearer"[..]][..], Unauthorized::Malformed),
            (&[&b"Bearer "[..]][..], Unauthorized::Malformed),
            (&[&b"Bearer s3cr\xc3\xa9t"[..]][..], Unauthorized::Malformed),
            (&[&b"Bearer s3 cret"[..]][..], Unauthorized::Malformed),
            (&[&b"Bearer ===="[..]][..], Unauthorized::Malformed),
            (&[&b"Bearer s3cret2"[..]][..], Unauthorized::Unknown),
            (&[&b"Bearer S3CRET"[..]][..], Unauthorized::Unknown),
            (&[long.as_bytes()][..], Unauthorized::Unknown),
        ] {
            assert_eq!(tokens.authorize(headers), Err(refused), "{headers:?}");
            assert!(refused.challenge().starts_with("Bearer"));
        }
    }

    #[test]
    fn a_malformed_variable_is_named_without_quoting_it() {
        for (text, problem) in [
            ("good bad!token", "entry 2: not a token"),
            (
                "sha256:abc",
                "entry 1: sha256: is not followed by 64 hex digits",
            ),
            (&DIGEST_ENTRY.replace('0', "g"), "entry 1: sha256:"),
            ("s3cret:double,nothing", "entry 1: its scope names a method"),
            ("s3cret:", "entry 1: its scope names a method"),
            ("s3cret:double,", "entry 1: its scope names a method"),
            ("s3cret@100", "entry 1: its rate limit is not"),
            ("s3cret:double@0/s", "entry 1: its rate limit is not"),
            (
                "a b@1/2305843009213693952s",
                "entry 2: its rate limit's window is longer",
            ),
            ("@1/s", "entry 1: not a token"),
            (
                &format!("sha256:+{}", &DIGEST_ENTRY[8..]),
                "entry 1: sha256: is not followed by 64 hex digits",
            ),
            (
                "s3cret:double\ns3cret:triple",
                "entry 2: the same token as entry 1",
            ),
        ] {
            let error = Tokens::parse(text, METHODS).unwrap_err();
            assert!(
                error.contains(problem) && error.contains(VARIABLE),
                "{text}: {error}"
            );
            for secret in ["bad", "abc", "s3cret", "nothing"] {
                assert!(!error.contains(secret), "{error}");
            }
        }
    }
}
