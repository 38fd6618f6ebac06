//! The router's settings: its limits and switches, given as the component's
//! environment variables, and its two Spin variables.
//!
//! The settings ([`NAMES`]: the [`crate::limits`], `group_calls` and
//! `call_log`) are fixed for a deployment: `spin.toml` may give them in the
//! router's `environment` table, and `spin up --env max_batch_calls=10`
//! for one run. A setting not given keeps its default.
//!
//! Only what a deployment must set apart from the app's image is a Spin
//! variable ([`TOKENS`], [`CORS_ORIGINS`]), which `spin up --variable`,
//! `SPIN_VARIABLE_*` and SpinKube's `variables` set. The split is measured:
//! on Spin 4.0.2 each variable read is a lookup by the variables provider on
//! a blocking thread, and each instance's first outbound request resolves
//! every application variable of the app (docs/performance.md), while the
//! environment is in the instance already. So a request reads `tokens`, and
//! `cors_origins` only when CORS can matter to it (a browser's `Origin`, or
//! a method other than `POST`).
//!
//! The `tokens` variable is a secret: no error here quotes a value, only the
//! names of the router's own settings and variables.

use std::env::VarError;

/// One of the router's settings: its name in the component's environment,
/// its default, and what it does (docs/protocol.md's table, in full).
#[derive(Debug)]
pub struct Setting<T> {
    pub name: &'static str,
    pub default: T,
    pub doc: &'static str,
}

/// What a setting holds: how its text is read, and what a bad one is told.
pub trait SettingValue: Copy + std::fmt::Display {
    /// The value of `text`, already trimmed; `None` if it is not one.
    fn parse(text: &str) -> Option<Self>;
    /// What is wrong with a value that does not parse, after its quote.
    const REFUSAL: &'static str;
}

impl SettingValue for u64 {
    fn parse(text: &str) -> Option<Self> {
        text.parse().ok().filter(|value| *value > 0)
    }
    const REFUSAL: &'static str = "is not a positive whole number";
}

/// A switch: on unless given as `"false"`.
impl SettingValue for bool {
    fn parse(text: &str) -> Option<Self> {
        text.parse().ok()
    }
    const REFUSAL: &'static str = "is neither \"true\" nor \"false\"";
}

pub const MAX_REQUEST_BYTES: Setting<u64> = Setting {
    name: "max_request_bytes",
    default: 1024 * 1024,
    doc: "the largest request body read; past it, HTTP 413",
};
pub const MAX_BATCH_CALLS: Setting<u64> = Setting {
    name: "max_batch_calls",
    default: 100,
    doc: "the most calls in one batch",
};
pub const CALL_TIMEOUT_MS: Setting<u64> = Setting {
    name: "call_timeout_ms",
    default: 5000,
    doc: "one deadline for a request's calls, from when they start",
};
pub const MAX_ANSWER_BYTES: Setting<u64> = Setting {
    name: "max_answer_bytes",
    default: 1024 * 1024,
    doc: "what the answers of one request's function requests may hold in all",
};
/// One by default: each function request is an instance with a whole work
/// budget and memory, and on Spin a running guest holds one of its worker
/// threads (as many as cores), which Tokio may keep giving to the same
/// request's next function request. Measured on 2 cores, while a batch
/// spends budget after budget, another client's `double` waited up to 1.7 s
/// with 2 in flight and 1.9 s with 4, and 5 ms with 1
/// (docs/work-budget.md). Functions call nothing, so more in flight gains
/// at most the cores; raise it on larger machines.
pub const MAX_PARALLEL_REQUESTS: Setting<u64> = Setting {
    name: "max_parallel_requests",
    default: 1,
    doc: "the most function requests one request has in flight at once",
};
pub const BODY_TIMEOUT_MS: Setting<u64> = Setting {
    name: "body_timeout_ms",
    default: 10_000,
    doc: "the longest wait for a request's whole body, and for an answer to be taken",
};
pub const GROUP_CALLS: Setting<bool> = Setting {
    name: "group_calls",
    default: true,
    doc: "sends a batch's calls as one request per function; false: one per call",
};
pub const CALL_LOG: Setting<bool> = Setting {
    name: "call_log",
    default: true,
    doc: "one JSON line per request on the router's stderr",
};

/// Every setting, by name and default as written (docs/protocol.md lists
/// the same, which a test checks).
pub const SETTINGS: [(&str, &dyn std::fmt::Display); 8] = [
    (MAX_REQUEST_BYTES.name, &MAX_REQUEST_BYTES.default),
    (MAX_BATCH_CALLS.name, &MAX_BATCH_CALLS.default),
    (CALL_TIMEOUT_MS.name, &CALL_TIMEOUT_MS.default),
    (MAX_ANSWER_BYTES.name, &MAX_ANSWER_BYTES.default),
    (MAX_PARALLEL_REQUESTS.name, &MAX_PARALLEL_REQUESTS.default),
    (BODY_TIMEOUT_MS.name, &BODY_TIMEOUT_MS.default),
    (GROUP_CALLS.name, &GROUP_CALLS.default),
    (CALL_LOG.name, &CALL_LOG.default),
];

/// One of the router's two Spin variables: what a deployment sets apart
/// from the app's image.
#[derive(Debug)]
pub struct Variable {
    pub name: &'static str,
    /// Never logged, echoed or quoted in an error; `spin.toml` declares it
    /// `secret = true`.
    pub secret: bool,
    pub doc: &'static str,
}

/// The bearer tokens, their scopes and rate limits ([`crate::tokens`]).
pub const TOKENS: Variable = Variable {
    name: "tokens",
    secret: true,
    doc: "the bearer tokens accepted; empty: open to anyone",
};

/// The browser origins the router serves ([`crate::cors`]).
pub const CORS_ORIGINS: Variable = Variable {
    name: "cors_origins",
    secret: false,
    doc: "the web origins allowed to call from a browser; empty: none",
};

/// Both of the router's variables.
pub const VARIABLES: [&Variable; 2] = [&TOKENS, &CORS_ORIGINS];

/// Why one of the router's variables could not be read. Each fails closed:
/// the router serves no call without its configuration (a `tokens` it cannot
/// read must not leave the endpoint open), and `/health` says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// The component has no such variable (`[component.rpc-router.variables]`
    /// lacks it).
    Undefined,
    /// The variables provider failed (Vault down, an environment value that
    /// is not UTF-8, ...).
    Provider,
    /// Any other failure of the host.
    Other,
}

impl Unreadable {
    /// What the client and the log are told: the variable's name and the
    /// kind of failure, never a value or the provider's own words.
    pub fn message(self, variable: &Variable) -> String {
        let why = match self {
            Unreadable::Undefined => "it is not defined for the router in spin.toml",
            Unreadable::Provider => "the variables provider failed to resolve it",
            Unreadable::Other => "the host refused the read",
        };
        format!("variable {} could not be read: {why}", variable.name)
    }
}

/// The settings given; a setting not given keeps its default.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Settings {
    given: Vec<(&'static str, String)>,
}

impl Settings {
    /// Reads every setting through `lookup`: `std::env::var` in the
    /// component, over its environment. A value that is not UTF-8 is refused
    /// by name, never read as unset.
    pub fn read(lookup: impl Fn(&str) -> Result<String, VarError>) -> Result<Self, String> {
        let mut given = Vec::new();
        for (name, _) in SETTINGS {
            match lookup(name) {
                Err(VarError::NotPresent) => {}
                Ok(value) => given.push((name, value)),
                Err(VarError::NotUnicode(_)) => {
                    return Err(format!("setting {name}: its value is not UTF-8"))
                }
            }
        }
        Ok(Settings { given })
    }

    /// The value of `setting`: as given, or its default; a given value
    /// that does not read is refused by name, with the value (a setting is
    /// never a secret).
    pub fn value<T: SettingValue>(&self, setting: &Setting<T>) -> Result<T, String> {
        let given = self.given.iter().find(|(name, _)| *name == setting.name);
        match given {
            None => Ok(setting.default),
            Some((name, text)) => T::parse(text.trim())
                .ok_or_else(|| format!("setting {name}: {text:?} {}", T::REFUSAL)),
        }
    }
}

#[cfg(test)]
impl Settings {
    /// The settings of `pairs`, as an environment with only them would give.
    pub(crate) fn of(pairs: &[(&str, &str)]) -> Self {
        Settings::read(|name| {
            let (_, value) = pairs
                .iter()
                .find(|(given, _)| *given == name)
                .ok_or(VarError::NotPresent)?;
            Ok((*value).to_owned())
        })
        .expect("pairs are UTF-8")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_switch_is_true_or_false() {
        let settings = Settings::of(&[("call_log", " false "), ("group_calls", "off")]);
        assert_eq!(settings.value(&CALL_LOG), Ok(false));
        assert_eq!(Settings::of(&[]).value(&CALL_LOG), Ok(true));
        let refused = settings.value(&GROUP_CALLS).unwrap_err();
        assert!(
            refused.contains("group_calls") && refused.contains("off"),
            "{refused}"
        );
    }

    #[test]
    fn reads_the_settings_given_and_leaves_out_everything_else() {
        let settings = Settings::of(&[
            ("max_batch_calls", "3"),
            ("call_timeout_ms", " 250 "),
            ("PATH", "/bin"),
        ]);
        assert_eq!(settings.value(&MAX_BATCH_CALLS), Ok(3));
        assert_eq!(settings.value(&CALL_TIMEOUT_MS), Ok(250));
        assert_eq!(settings.value(&MAX_ANSWER_BYTES), Ok(1024 * 1024));
        assert_eq!(settings.given.len(), 2, "PATH is not a setting");
        assert_eq!(Settings::of(&[]), Settings::default());
    }

    #[test]
    fn a_value_that_is_not_text_is_refused_by_name() {
        use std::ffi::OsString;
        use std::os::unix::ffi::OsStringExt;
        let lookup = |name: &str| match name {
            "call_log" => Err(VarError::NotUnicode(OsString::from_vec(vec![0xff]))),
            _ => Err(VarError::NotPresent),
        };
        let error = Settings::read(lookup).unwrap_err();
        assert!(error.contains("setting call_log"), "{error}");
    }

    #[test]
    fn an_unreadable_variable_is_named_without_the_providers_words() {
        let message = Unreadable::Provider.message(&TOKENS);
        assert!(message.starts_with("variable tokens could not be read"));
    }

    #[test]
    fn a_number_is_positive_and_whole_and_a_bad_one_is_named() {
        for bad in ["", "-1", "0", "1.5", "lots"] {
            let refused = Settings::of(&[("max_batch_calls", bad)]).value(&MAX_BATCH_CALLS);
            let message = refused.unwrap_err();
            assert!(
                message.starts_with("setting max_batch_calls: "),
                "{message}"
            );
            assert!(
                message.ends_with("is not a positive whole number"),
                "{message}"
            );
        }
    }

    /// docs/protocol.md's tables list exactly these variables, the secret
    /// one marked so, and these settings with these defaults, in this order.
    #[test]
    fn the_contracts_tables_list_every_setting_and_variable() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.md");
        let doc = std::fs::read_to_string(path).expect("docs/protocol.md");
        let variables: Vec<String> = VARIABLES
            .iter()
            .map(|variable| match variable.secret {
                true => format!("`{}` (secret)", variable.name),
                false => format!("`{}`", variable.name),
            })
            .collect();
        assert_eq!(table(&doc, "variable", 1), variables);
        let settings: Vec<String> = SETTINGS
            .iter()
            .map(|(name, default)| match default.to_string().as_str() {
                switch @ ("true" | "false") => format!("`{name}` `\"{switch}\"`"),
                number => format!("`{name}` `{number}`"),
            })
            .collect();
        assert_eq!(table(&doc, "setting", 2), settings);
    }

    /// The rows of the Markdown table whose header starts with `| first |`:
    /// the first `cells` cells of each, the default's first word only.
    fn table(doc: &str, first: &str, cells: usize) -> Vec<String> {
        let header = format!("| {first} |");
        doc.lines()
            .skip_while(|line| !line.starts_with(&header))
            .skip(2)
            .take_while(|line| line.starts_with('|'))
            .map(|row| {
                let cells: Vec<&str> = row.split('|').skip(1).take(cells).map(str::trim).collect();
                let words: Vec<&str> = cells
                    .iter()
                    .filter_map(|cell| cell.split(' ').next())
                    .collect();
                match cells.len() {
                    1 => cells[0].to_owned(),
                    _ => words.join(" "),
                }
            })
            .collect()
    }
}
