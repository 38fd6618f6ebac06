//! `SafeInteger`: an integer within ±(2^53 − 1), the integers a JSON number
//! carries exactly in every language (JavaScript's numbers are doubles). A
//! param or result that a function in any language must read the same way
//! is one of these.

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;

/// An integer from -9007199254740991 to 9007199254740991.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SafeInteger(i64);

impl SafeInteger {
    /// 2^53 − 1.
    pub const MAX: i64 = (1 << 53) - 1;

    /// `value`, if it is within ±[`SafeInteger::MAX`].
    pub fn new(value: i64) -> Option<Self> {
        (-Self::MAX..=Self::MAX)
            .contains(&value)
            .then_some(SafeInteger(value))
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl<'de> Deserialize<'de> for SafeInteger {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = i64::deserialize(deserializer)?;
        SafeInteger::new(value).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "must be within ±{} (a safe integer), got {value}",
                SafeInteger::MAX
            ))
        })
    }
}

impl Serialize for SafeInteger {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
    }
}

impl JsonSchema for SafeInteger {
    fn schema_name() -> Cow<'static, str> {
        "SafeInteger".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "integer",
            "minimum": -SafeInteger::MAX,
            "maximum": SafeInteger::MAX
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_within_two_to_the_53_are_safe_others_are_refused() {
        for (text, value) in [
            ("9007199254740991", Some(SafeInteger::MAX)),
            ("-3", Some(-3)),
        ] {
            let read: SafeInteger = serde_json::from_str(text).unwrap();
            assert_eq!(Some(read.get()), value);
        }
        for text in ["9007199254740992", "-9007199254740992", "1.5", "\"1\""] {
            assert!(serde_json::from_str::<SafeInteger>(text).is_err(), "{text}");
        }
        let error = serde_json::from_str::<SafeInteger>("9007199254740992").unwrap_err();
        assert!(error.to_string().contains("safe integer"), "{error}");
    }
}
