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

/// Every setting the router reads from its environment.
pub const NAMES: [&str; 8] = [
    "max_request_bytes",
    "max_batch_calls",
    "call_timeout_ms",
    "max_answer_bytes",
    "max_parallel_requests",
    "body_timeout_ms",
    "group_calls",
    "call_log",
];

/// The router's Spin variable with its bearer tokens ([`crate::tokens`]).
pub const TOKENS: &str = "tokens";

/// The router's Spin variable with the browser origins it serves
/// ([`crate::cors`]).
pub const CORS_ORIGINS: &str = "cors_origins";

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
    pub fn message(self, variable: &str) -> String {
        let why = match self {
            Unreadable::Undefined => "it is not defined for the router in spin.toml",
            Unreadable::Provider => "the variables provider failed to resolve it",
            Unreadable::Other => "the host refused the read",
        };
        format!("variable {variable} could not be read: {why}")
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
        for name in NAMES {
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

    /// A switch (`group_calls`, `call_log`): on unless given as `"false"`;
    /// any other value is refused by name.
    pub fn switch(&self, name: &str) -> Result<bool, String> {
        match self.get(name).map(str::trim) {
            None | Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(other) => Err(format!(
                "setting {name}: {other:?} is neither \"true\" nor \"false\""
            )),
        }
    }

    /// The value of a setting, if given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.given
            .iter()
            .find(|(given, _)| *given == name)
            .map(|(_, value)| value.as_str())
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
        assert_eq!(settings.switch("call_log"), Ok(false));
        assert_eq!(Settings::of(&[]).switch("call_log"), Ok(true));
        let refused = settings.switch("group_calls").unwrap_err();
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
        assert_eq!(settings.get("max_batch_calls"), Some("3"));
        assert_eq!(settings.get("call_timeout_ms"), Some(" 250 "));
        assert_eq!(settings.get("max_answer_bytes"), None);
        assert_eq!(settings.get("PATH"), None);
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
        let message = Unreadable::Provider.message(TOKENS);
        assert!(message.starts_with("variable tokens could not be read"));
    }
}
