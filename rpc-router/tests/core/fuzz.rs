//! A bounded, grammar-aware fuzzer for the router's core with the real
//! functions in-process. Inputs come from a JSON-RPC grammar (ids, methods,
//! params, batches, notifications, `echo` envelopes, hostile values); half
//! are then mutated at the byte level. The properties checked for each:
//!
//! - the core never panics;
//! - every answer is valid JSON-RPC 2.0 (`204` with no body, or `200` with
//!   one response object or a non-empty array of them, each with
//!   `"jsonrpc": "2.0"`, exactly one of `result`/`error`, and an `id`);
//! - for generated (unmutated) input: a batch of n entries with k
//!   notifications gets n − k responses, and every id comes back as the
//!   same JSON token.
//!
//! `cargo test -p rpc-router --test core fuzz` runs the corpus and 20 000 inputs;
//! `FUZZ_INPUTS=1000000 cargo test --release -p rpc-router --test core fuzz`
//! runs a million (`FUZZ_SEED` picks another sequence). A failing input is
//! printed; keep it in `tests/fuzz-corpus/`, which is replayed on every run.

use crate::in_process::{self, Access, InProcess};
use futures::executor::block_on;
use rpc_router::limits::Limits;
use rpc_router::reply::Reply;
use rpc_router::service::Service;
use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The core with a batch limit of 50, so generated batches also cross it.
fn service() -> Service {
    Service {
        limits: Limits {
            max_batch_calls: 50,
            ..Limits::default()
        },
        ..in_process::service()
    }
}

/// xorshift64*: small, fast, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// One generated entry of a message, and what the router must do with it.
struct Entry {
    text: String,
    /// The id token, if the entry has a valid one.
    id: Option<String>,
    /// A structurally valid request without an id: never answered.
    notification: bool,
}

const IDS: &[&str] = &[
    "1",
    "0",
    "-7",
    "123456789012345678901234567890",
    "1.5",
    "2e10",
    "-0",
    "null",
    "\"a\"",
    "\"\"",
    "\"\\u00e9\\n\\\"q\\\"\"",
    "\"😀\"",
];
const BAD_IDS: &[&str] = &["true", "[1]", "{}", "{\"id\":1}"];
const METHODS: &[&str] = &[
    "\"double\"",
    "\"triple\"",
    "\"divide\"",
    "\"echo\"",
    "\"nope\"",
    "\"../triple\"",
    "\"double.spin.internal\"",
    "\"rpc.discover\"",
    "\"\"",
    "\"dou\\u0062le\"",
    "1",
    "null",
    "[\"double\"]",
];
const VALUES: &[&str] = &[
    "0",
    "21",
    "-21",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "4611686018427387904",
    "1.5",
    "1e3",
    "\"10\"",
    "\"-3\"",
    "\"ten\"",
    "\"\"",
    "true",
    "null",
    "[]",
    "{}",
    "[[1]]",
    "\"9223372036854775807\"",
];

fn params(rng: &mut Rng) -> Option<String> {
    let value = rng.pick(VALUES);
    match rng.below(9) {
        0 => None,
        1 => Some(format!("[{value}]")),
        2 => Some(format!("{{\"x\":{value}}}")),
        3 => Some(format!("[{value},{}]", rng.pick(VALUES))),
        4 => Some(format!("{{\"x\":{value},\"y\":1}}")),
        8 if rng.chance(50) => Some(format!("{{\"a\":{value},\"b\":{}}}", rng.pick(VALUES))),
        5 => Some(rng.pick(&["1", "\"x\"", "null", "true"]).to_owned()),
        6 => Some(format!(
            "{{\"Service Name\":\"wasm\",\"Type\":{},\"Execution\":{{\"FunctionName\":{},\"Argument\":{value}}}}}",
            rng.pick(&["\"Execution\"", "\"Other\"", "1"]),
            rng.pick(&["\"double\"", "\"triple\"", "\"echo\"", "\"none\"", "7"]),
        )),
        7 => {
            let depth = 1 + rng.below(300);
            Some(format!("{}{value}{}", "[".repeat(depth), "]".repeat(depth)))
        }
        _ => Some(format!("[{value}]")),
    }
}

fn entry(rng: &mut Rng) -> Entry {
    if rng.chance(5) {
        let text = rng
            .pick(&["1", "\"x\"", "null", "[]", "[1]", "true"])
            .to_owned();
        return Entry {
            text,
            id: None,
            notification: false,
        };
    }
    let mut object = RequestObject {
        members: Vec::new(),
        valid: true,
    };
    object.version(rng);
    object.method(rng);
    if let Some(params) = params(rng) {
        object.valid &= params.starts_with('[') || params.starts_with('{');
        object.members.push(format!("\"params\":{params}"));
    }
    let (id, has_id) = object.id(rng);
    if rng.chance(10) {
        let extra = "\"extra\":{\"deep\":[1,2,{\"x\":null}]}";
        object.members.push(extra.to_owned());
    }
    let valid = object.valid;
    // An invalid request is answered with id null unless its id was readable.
    Entry {
        text: object.text(rng),
        id: if valid || id.is_some() { id } else { None },
        notification: valid && !has_id,
    }
}

/// A request object being generated: its members, and whether it is valid.
struct RequestObject {
    members: Vec<String>,
    valid: bool,
}

impl RequestObject {
    /// `"jsonrpc"`: mostly right, sometimes wrong or missing.
    fn version(&mut self, rng: &mut Rng) {
        match rng.below(12) {
            0 => self.valid = false,
            1 => {
                let wrong = rng.pick(&["\"1.0\"", "2.0", "null", "\"2.0 \""]);
                self.members.push(format!("\"jsonrpc\":{wrong}"));
                self.valid = false;
            }
            _ => self.members.push("\"jsonrpc\":\"2.0\"".to_owned()),
        }
    }

    /// `"method"`: one of [`METHODS`] (some not strings), rarely missing.
    fn method(&mut self, rng: &mut Rng) {
        if !rng.chance(95) {
            self.valid = false;
            return;
        }
        let method = rng.pick(METHODS);
        self.valid &= method.starts_with('"');
        self.members.push(format!("\"method\":{method}"));
    }

    /// `"id"`: none, a bad one, or a good one; the good one's token, and
    /// whether there is an id at all.
    fn id(&mut self, rng: &mut Rng) -> (Option<String>, bool) {
        match rng.below(10) {
            0..=2 => (None, false),
            3 => {
                self.members.push(format!("\"id\":{}", rng.pick(BAD_IDS)));
                self.valid = false;
                (None, true)
            }
            _ => {
                let token = rng.pick(IDS).to_owned();
                self.members.push(format!("\"id\":{token}"));
                (Some(token), true)
            }
        }
    }

    /// The object's text, its members shuffled (their order does not
    /// matter to JSON-RPC).
    fn text(mut self, rng: &mut Rng) -> String {
        for i in (1..self.members.len()).rev() {
            self.members.swap(i, rng.below(i + 1));
        }
        let separator = if rng.chance(50) { "," } else { " , " };
        format!("{{{}}}", self.members.join(separator))
    }
}

/// A generated message: its text and, per answered entry, the id token expected.
fn message(rng: &mut Rng) -> (String, Vec<Option<String>>, bool) {
    if rng.chance(70) {
        let entry = entry(rng);
        let expected = if entry.notification {
            vec![]
        } else {
            vec![entry.id.clone()]
        };
        return (entry.text, expected, false);
    }
    let entries: Vec<Entry> = (0..1 + rng.below(20)).map(|_| entry(rng)).collect();
    let text = format!(
        "[{}]",
        entries
            .iter()
            .map(|e| e.text.as_str())
            .collect::<Vec<_>>()
            .join(",")
    );
    let expected = entries
        .iter()
        .filter(|e| !e.notification)
        .map(|e| e.id.clone())
        .collect();
    (text, expected, true)
}

fn mutate(rng: &mut Rng, text: &str) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(5) {
            0 => bytes.truncate(at),
            1 => bytes.insert(
                at,
                rng.pick(&["{", "}", "[", "]", ",", ":", "\"", "\\", "\u{0}", "ÿ"])
                    .as_bytes()[0],
            ),
            2 if at < bytes.len() => bytes[at] ^= 1 << rng.below(8),
            3 if at < bytes.len() => {
                bytes.remove(at);
            }
            _ => {
                let end = (at + rng.below(16)).min(bytes.len());
                let piece = bytes[at..end].to_vec();
                bytes.splice(at..at, piece);
            }
        }
    }
    bytes
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResponseShape<'a> {
    jsonrpc: &'a str,
    #[serde(borrow, default)]
    result: Option<&'a RawValue>,
    #[serde(default)]
    error: Option<ErrorShape>,
    #[serde(borrow)]
    id: &'a RawValue,
}

/// Spec §5.1: a code, a message, and `data` if any (read only to check the
/// shape, so no field is used).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrorShape {
    #[serde(rename = "code")]
    _code: i64,
    #[serde(rename = "message")]
    _message: String,
    #[serde(default, rename = "data")]
    _data: Option<serde::de::IgnoredAny>,
}

/// Checks one answer; `expected` is the id token per response for generated input.
fn check(reply: &Reply, expected: Option<(&[Option<String>], bool)>) -> Result<(), String> {
    let body = match reply {
        Reply::Json(body) => body,
        Reply::NoContent => {
            return match expected {
                Some((ids, _)) if !ids.is_empty() => {
                    Err(format!("expected {} responses, got none", ids.len()))
                }
                _ => Ok(()),
            }
        }
        refusal => return Err(format!("refused with status {}", refusal.status())),
    };
    let text = std::str::from_utf8(body).map_err(|e| format!("not UTF-8: {e}"))?;
    let (responses, is_array): (Vec<&RawValue>, bool) = if text.starts_with('[') {
        let responses: Vec<&RawValue> =
            serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        if responses.is_empty() {
            return Err("an empty array".into());
        }
        (responses, true)
    } else {
        (
            vec![serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?],
            false,
        )
    };
    let mut ids = Vec::new();
    for response in &responses {
        let shape: ResponseShape = serde_json::from_str(response.get())
            .map_err(|e| format!("not a response ({e}): {}", response.get()))?;
        if shape.jsonrpc != "2.0" || shape.result.is_some() == shape.error.is_some() {
            return Err(format!("not a JSON-RPC 2.0 response: {}", response.get()));
        }
        ids.push(shape.id.get().to_owned());
    }
    if let Some((expected, batch)) = expected {
        // An oversized batch or a parse error is answered with one error object.
        let refused_whole = !is_array && batch;
        if !refused_whole {
            let expected: Vec<String> = expected
                .iter()
                .map(|id| id.clone().unwrap_or_else(|| "null".into()))
                .collect();
            if ids != expected {
                return Err(format!("ids {ids:?}, expected {expected:?}"));
            }
        }
    }
    Ok(())
}

fn run_one(input: &[u8], expected: Option<(&[Option<String>], bool)>) -> Result<(), String> {
    let outcome = std::panic::catch_unwind(|| {
        block_on(service().answer(&Access::default(), input, &InProcess::default())).reply
    });
    let reply = outcome.map_err(|_| "the core panicked".to_owned())?;
    check(&reply, expected)
}

/// How many inputs to generate: `FUZZ_INPUTS`, else `default`.
fn fuzz_inputs(default: u64) -> u64 {
    std::env::var("FUZZ_INPUTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

#[test]
fn corpus_inputs_keep_every_property() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus");
    let mut count = 0;
    for file in std::fs::read_dir(&dir).expect("the corpus directory") {
        let path = file.expect("a corpus entry").path();
        let input = std::fs::read(&path).expect("a corpus file");
        if let Err(problem) = run_one(&input, None) {
            panic!("{}: {problem}", path.display());
        }
        count += 1;
    }
    assert!(count >= 10, "the corpus holds {count} inputs");
}

#[test]
fn generated_and_mutated_inputs_keep_every_property() {
    let inputs = fuzz_inputs(20_000);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0x5eed);
    let mut rng = Rng(seed | 1);
    let mut answered = 0_u64;
    for i in 0..inputs {
        let (text, ids, batch) = message(&mut rng);
        let (input, expected) = if rng.chance(50) {
            (text.into_bytes(), Some((ids.as_slice(), batch)))
        } else {
            (mutate(&mut rng, &text), None)
        };
        if let Err(problem) = run_one(&input, expected) {
            panic!(
                "input #{i} (seed {seed}): {problem}\ninput: {}",
                String::from_utf8_lossy(&input)
            );
        }
        answered += 1;
    }
    eprintln!("fuzz: {answered} inputs, seed {seed}, all properties held");
}

/// A token-ish word: mostly `b64token` characters, sometimes hostile ones,
/// sometimes very long.
fn token_word(rng: &mut Rng) -> String {
    const CHARS: &[u8] = b"abcXYZ019-._~+/=:,; \t\"\\\x7f";
    let len = match rng.below(10) {
        0 => rng.below(70_000),
        1 => 0,
        _ => 1 + rng.below(24),
    };
    let mut word: Vec<u8> = (0..len)
        .map(|_| {
            let alphabet = if rng.chance(90) { 15 } else { CHARS.len() };
            CHARS[rng.below(alphabet)]
        })
        .collect();
    if rng.chance(5) {
        word.extend_from_slice("é".as_bytes());
    }
    String::from_utf8_lossy(&word).into_owned()
}

/// A random configuration of the router: a `tokens` value, a `cors_origins`
/// value and settings, good or bad; and the tokens it lists as written.
struct Configuration {
    tokens: String,
    cors_origins: &'static str,
    settings: Vec<(&'static str, &'static str)>,
    listed: Vec<String>,
}

fn configuration(rng: &mut Rng) -> Configuration {
    let methods = ["double", "triple", "echo", "rpc.discover", "nope", "*", ""];
    let mut tokens = Vec::new();
    let entries: Vec<String> = (0..rng.below(4))
        .map(|_| {
            let token = token_word(rng);
            tokens.push(token.clone());
            let credential = if rng.chance(20) {
                let digest: String = Sha256::digest(token.as_bytes())
                    .iter()
                    .map(|byte| format!("{byte:02x}"))
                    .collect();
                format!("sha256:{}", &digest[..if rng.chance(90) { 64 } else { 63 }])
            } else {
                token
            };
            match rng.below(3) {
                0 => credential,
                _ => {
                    let scope: Vec<&str> =
                        (0..1 + rng.below(3)).map(|_| rng.pick(&methods)).collect();
                    format!("{credential}:{}", scope.join(","))
                }
            }
        })
        .collect();
    let origins = [
        "",
        "*",
        "https://a.example http://localhost:8080",
        "a.example",
    ];
    let others = [
        ("call_log", "false"),
        ("call_log", "maybe"),
        ("max_batch_calls", "3"),
        ("nonsense", "1"),
    ];
    Configuration {
        tokens: entries.join(" "),
        cors_origins: rng.pick(&origins),
        settings: (0..rng.below(3))
            .map(|_| others[rng.below(others.len())])
            .collect(),
        listed: tokens,
    }
}

/// The endpoint a generated configuration gives; `None` if it is refused,
/// which must name the variable and never a token of it.
fn configured(i: u64, given: &Configuration) -> Option<rpc_router::endpoint::Endpoint> {
    use rpc_router::endpoint::Endpoint;
    use rpc_router::settings::Settings;

    let outcome = std::panic::catch_unwind(|| {
        let service = in_process::service();
        let settings = Settings::read(|name| {
            let setting = given.settings.iter().find(|(given, _)| *given == name);
            let value = setting.map(|(_, value)| value.to_string());
            value.ok_or(std::env::VarError::NotPresent)
        })
        .expect("UTF-8 settings");
        Endpoint::configure(
            &settings,
            &given.tokens,
            given.cors_origins,
            service.registry,
            service.info,
        )
    });
    let Ok(configured) = outcome else {
        panic!(
            "input #{i}: configuring panicked on {:?}, {:?}, {:?}",
            given.tokens, given.cors_origins, given.settings
        );
    };
    match configured {
        Ok(endpoint) => Some(endpoint),
        Err(error) => {
            for token in given.listed.iter().filter(|token| token.len() >= 6) {
                assert!(!error.contains(token.as_str()), "input #{i}: {error}");
            }
            None
        }
    }
}

#[test]
fn authorization_headers_and_settings_keep_their_properties() {
    use rpc_router::endpoint::Head;
    use rpc_router::methods::Scope;

    let inputs = fuzz_inputs(3_000);
    let mut rng = Rng(0xa17 | 1);
    let (mut configured_tokens, mut granted, mut refused) = (0, 0, 0);
    for i in 0..inputs {
        let given = configuration(&mut rng);
        let listed = &given.listed;
        let Some(endpoint) = configured(i, &given) else {
            continue;
        };
        configured_tokens += u64::from(!endpoint.tokens.is_open());
        for _ in 0..8 {
            let token = if rng.chance(50) && !listed.is_empty() {
                listed[rng.below(listed.len())].clone()
            } else {
                token_word(&mut rng)
            };
            let scheme = rng.pick(&["Bearer ", "bearer  ", "Basic ", "", "Bearer"]);
            let header = format!("{scheme}{token}");
            let repeated = rng.chance(5);
            let values: Vec<&[u8]> = match (rng.chance(5), repeated) {
                (true, _) => vec![],
                (false, true) => vec![header.as_bytes(), header.as_bytes()],
                (false, false) => vec![header.as_bytes()],
            };
            let head = Head {
                authorization: values,
                ..Head::default()
            };
            let admitted =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| endpoint.admit(&head)));
            let Ok(admitted) = admitted else {
                panic!(
                    "input #{i}: admitting panicked on {header:?} with {:?}",
                    given.tokens
                );
            };
            match admitted {
                Ok(access) if endpoint.tokens.is_open() => assert_eq!(access.scope, Scope::All),
                // Only a token the variable lists (as itself or its digest),
                // sent once as a Bearer token, gets in.
                Ok(_) => {
                    granted += 1;
                    assert!(
                        !repeated
                            && scheme.trim().eq_ignore_ascii_case("bearer")
                            && listed.contains(&token),
                        "input #{i}: {header:?} was let in by {:?}",
                        given.tokens
                    )
                }
                Err((reply, _)) => {
                    refused += 1;
                    assert_eq!(reply.status(), 401, "input #{i}");
                    let body = String::from_utf8(reply.into_body().unwrap_or_default()).unwrap();
                    assert!(
                        token.len() < 6 || !body.contains(&token),
                        "input #{i}: {body}"
                    );
                }
            }
        }
    }
    eprintln!(
        "fuzz: {configured_tokens} token lists; {granted} requests let in, {refused} refused"
    );
    assert!(configured_tokens > 0 && granted > 0 && refused > 0);
}
