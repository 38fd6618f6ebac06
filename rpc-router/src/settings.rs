//! The router's settings, as its one component variable carries them.
//!
//! The app's variables (`max_batch_calls`, `tokens`, ...) stay what users
//! set, but `spin.toml` hands them to the router in one component variable,
//! `settings`, a template over all of them, one `name=value` line each:
//!
//! ```text
//! max_batch_calls={{ max_batch_calls }}
//! tokens={{ tokens }}
//! ```
//!
//! A request costs one variable read instead of one per setting: each read
//! is a host call, and on Spin a template resolution. A value runs to the
//! end of its line, so it may hold spaces (the list of tokens does).
//!
//! The `tokens` setting is a secret: no error here quotes a line or a value,
//! only line numbers and the names of the router's own settings.

/// The router's component variable.
pub const VARIABLE: &str = "settings";

/// Every setting the router knows: the [`crate::limits`], `group_calls`,
/// and the public endpoint's [`crate::tokens`], [`crate::cors`] and
/// [`crate::call_log`].
pub const NAMES: [&str; 10] = [
    "max_request_bytes",
    "max_batch_calls",
    "call_timeout_ms",
    "max_answer_bytes",
    "max_parallel_requests",
    "body_timeout_ms",
    "group_calls",
    "tokens",
    "cors_origins",
    "call_log",
];

/// Why the router's variable could not be read. Each fails closed: the
/// router serves no call without its configuration (a `tokens` it cannot
/// read must not leave the endpoint open), and `/health` says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// The component has no such variable (`[component.rpc-router.variables]`
    /// lacks `settings`).
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
    pub fn message(self) -> String {
        let why = match self {
            Unreadable::Undefined => "it is not defined for the router in spin.toml",
            Unreadable::Provider => "the variables provider failed to resolve it",
            Unreadable::Other => "the host refused the read",
        };
        format!("variable {VARIABLE} could not be read: {why}")
    }
}

/// The settings given; a setting not given keeps its default.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Settings<'a> {
    given: Vec<(&'a str, &'a str)>,
}

impl<'a> Settings<'a> {
    /// Reads one `name=value` line per setting (blank lines are skipped),
    /// refusing a name the router does not know and a name given twice. A
    /// line that does not start with a setting's name and `=` continues the
    /// value before it: a value (the list of tokens) may hold newlines,
    /// which its reader takes as white space.
    pub fn parse(text: &'a str) -> Result<Self, String> {
        let mut given: Vec<(&str, &str)> = Vec::new();
        // Where the value being read starts, and where it ends so far.
        let mut value_at: Option<(usize, usize)> = None;
        let finish = |given: &mut Vec<(&'a str, &'a str)>, value_at: Option<(usize, usize)>| {
            if let (Some((start, end)), Some(last)) = (value_at, given.last_mut()) {
                last.1 = text[start..end].trim();
            }
        };
        let mut offset = 0;
        for (index, line) in text.split_inclusive('\n').enumerate() {
            let (start, end) = (offset, offset + line.trim_end_matches(['\n', '\r']).len());
            offset += line.len();
            let setting = line
                .split_once('=')
                .and_then(|(name, _)| NAMES.iter().find(|known| **known == name.trim()));
            match (setting, value_at) {
                (Some(&name), _) => {
                    finish(&mut given, value_at);
                    if given.iter().any(|(taken, _)| *taken == name) {
                        return Err(format!("variable {VARIABLE}: {name} is given twice"));
                    }
                    given.push((name, ""));
                    value_at = Some((start + line.find('=').unwrap_or(0) + 1, end));
                }
                (None, Some((value_start, _))) => value_at = Some((value_start, end)),
                (None, None) if line.trim().is_empty() => {}
                (None, None) => {
                    return Err(format!(
                        "variable {VARIABLE}, line {}: not a setting of the router \
                         (a line starts with one of {} and =)",
                        index + 1,
                        NAMES.join(", ")
                    ))
                }
            }
        }
        finish(&mut given, value_at);
        Ok(Settings { given })
    }

    /// The value of a setting, if given.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.given
            .iter()
            .find(|(given, _)| *given == name)
            .map(|(_, value)| *value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_settings_given_and_leaves_out_the_others() {
        let text = "\n max_batch_calls=3\ncall_timeout_ms = 250 \ntokens=a b:double\n";
        let settings = Settings::parse(text).unwrap();
        assert_eq!(settings.get("max_batch_calls"), Some("3"));
        assert_eq!(settings.get("call_timeout_ms"), Some("250"));
        assert_eq!(settings.get("tokens"), Some("a b:double"));
        assert_eq!(settings.get("max_answer_bytes"), None);
        assert_eq!(Settings::parse(""), Ok(Settings::default()));
    }

    #[test]
    fn an_empty_value_is_given_and_left_to_its_reader() {
        // `SPIN_VARIABLE_MAX_BATCH_CALLS=""` renders as `max_batch_calls=`:
        // the limit then refuses "" by name, as it would any bad value.
        let settings = Settings::parse("max_batch_calls=").unwrap();
        assert_eq!(settings.get("max_batch_calls"), Some(""));
    }

    #[test]
    fn a_line_that_is_no_setting_continues_the_value_before_it() {
        let text = "tokens=a\r\nb:double\n\n c=\ncall_log=false\n";
        let settings = Settings::parse(text).unwrap();
        assert_eq!(settings.get("tokens"), Some("a\r\nb:double\n\n c="));
        assert_eq!(settings.get("call_log"), Some("false"));
        // A continued number is no number: its reader refuses it by name.
        let settings = Settings::parse("max_batch_calls=3\n4").unwrap();
        assert_eq!(settings.get("max_batch_calls"), Some("3\n4"));
    }

    #[test]
    fn refuses_what_is_not_a_known_setting_once_without_quoting_it() {
        for (text, named) in [
            ("max_batch_calls", "line 1: not a setting"),
            ("secret-part\ntokens=a", "line 1: not a setting"),
            ("secret=part", "line 1: not a setting"),
            (
                "group_calls=true\ngroup_calls=false",
                "group_calls is given twice",
            ),
            ("tokens=a\ntokens=b", "tokens is given twice"),
        ] {
            let error = Settings::parse(text).unwrap_err();
            assert!(
                error.contains(named) && error.contains(VARIABLE),
                "{text:?}: {error}"
            );
            assert!(!error.contains("secret"), "{error}");
        }
    }
}
