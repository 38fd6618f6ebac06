//! The router's settings, as its one component variable carries them.
//!
//! The app's variables (`max_batch_calls`, ...) stay what users set, but
//! `spin.toml` hands them to the router in one component variable,
//! `settings`, a template over all of them:
//! `"max_batch_calls={{ max_batch_calls }} call_timeout_ms={{ ... }}"`.
//! A request costs one variable read instead of one per setting: each read
//! is a host call, and on Spin a template resolution.

/// The router's component variable.
pub const VARIABLE: &str = "settings";

/// Every setting the router knows: the [`crate::limits`] and `group_calls`.
pub const NAMES: [&str; 5] = [
    "max_request_bytes",
    "max_batch_calls",
    "call_timeout_ms",
    "max_answer_bytes",
    "group_calls",
];

/// The settings given, as `name=value` words; a setting not given keeps its
/// default.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Settings<'a> {
    given: Vec<(&'a str, &'a str)>,
}

impl<'a> Settings<'a> {
    /// Reads `name=value` words separated by white space, refusing a word
    /// that is not one, a name the router does not know, and a name given
    /// twice.
    pub fn parse(text: &'a str) -> Result<Self, String> {
        let mut given: Vec<(&str, &str)> = Vec::new();
        for word in text.split_whitespace() {
            let Some((name, value)) = word.split_once('=') else {
                return Err(format!(
                    "variable {VARIABLE}: {word:?} is not a name=value setting"
                ));
            };
            if !NAMES.contains(&name) {
                return Err(format!(
                    "variable {VARIABLE}: {name:?} is not a setting of the router (known: {})",
                    NAMES.join(", ")
                ));
            }
            if given.iter().any(|(taken, _)| *taken == name) {
                return Err(format!("variable {VARIABLE}: {name:?} is given twice"));
            }
            given.push((name, value));
        }
        Ok(Settings { given })
    }

    /// The value of a setting, if given.
    pub fn get(&self, name: &str) -> Option<String> {
        self.given
            .iter()
            .find(|(given, _)| *given == name)
            .map(|(_, value)| (*value).to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_settings_given_and_leaves_out_the_others() {
        let settings = Settings::parse(" max_batch_calls=3\n call_timeout_ms=250 ").unwrap();
        assert_eq!(settings.get("max_batch_calls").as_deref(), Some("3"));
        assert_eq!(settings.get("call_timeout_ms").as_deref(), Some("250"));
        assert_eq!(settings.get("max_answer_bytes"), None);
        assert_eq!(Settings::parse(""), Ok(Settings::default()));
    }

    #[test]
    fn an_empty_value_is_given_and_left_to_its_reader() {
        // `SPIN_VARIABLE_MAX_BATCH_CALLS=""` renders as `max_batch_calls=`:
        // the limit then refuses "" by name, as it would any bad value.
        let settings = Settings::parse("max_batch_calls=").unwrap();
        assert_eq!(settings.get("max_batch_calls").as_deref(), Some(""));
    }

    #[test]
    fn refuses_what_is_not_a_known_setting_once() {
        for (text, named) in [
            ("max_batch_calls", "not a name=value"),
            ("max_batch_calls=1 2", "\"2\""),
            ("batch_calls=1", "not a setting"),
            ("group_calls=true group_calls=false", "twice"),
        ] {
            let error = Settings::parse(text).unwrap_err();
            assert!(
                error.contains(named) && error.contains(VARIABLE),
                "{text:?}: {error}"
            );
        }
    }
}
