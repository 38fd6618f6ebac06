//! `Integer`: a 64-bit signed integer param, as a JSON integer or as a
//! decimal string (`"10"`, as some clients send integers).
//!
//! It is read from the token's own text, so `1.0`, `1e3` and `2^63` are told
//! apart from integers exactly instead of going through a float; anything
//! else is refused with a message that says what was wrong.

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// A 64-bit signed integer, given as a JSON integer or a decimal string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Integer(pub i64);

/// Why a value is not an [`Integer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotAnInteger {
    Fraction(String),
    OutOfRange(String),
    NotDecimal(String),
    WrongType(&'static str),
}

impl fmt::Display for NotAnInteger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fraction(text) => write!(f, "must be an integer, got {text}"),
            Self::OutOfRange(text) => {
                write!(f, "is outside the 64-bit signed integer range: {text}")
            }
            Self::NotDecimal(text) => write!(f, "is not a decimal integer string: {text}"),
            Self::WrongType(kind) => {
                write!(f, "must be an integer or a decimal string, got {kind}")
            }
        }
    }
}

impl Integer {
    /// Reads one JSON value: an integer token or a decimal string.
    pub fn read(value: &RawValue) -> Result<Self, NotAnInteger> {
        let text = value.get();
        match text.bytes().next().unwrap_or(b'n') {
            b'-' | b'0'..=b'9' if text.contains(['.', 'e', 'E']) => {
                Err(NotAnInteger::Fraction(text.to_owned()))
            }
            b'-' | b'0'..=b'9' => text
                .parse()
                .map(Integer)
                .map_err(|_| NotAnInteger::OutOfRange(text.to_owned())),
            b'"' => {
                let string: String =
                    serde_json::from_str(text).map_err(|_| NotAnInteger::WrongType("a string"))?;
                if !is_decimal(&string) {
                    return Err(NotAnInteger::NotDecimal(text.to_owned()));
                }
                string
                    .parse()
                    .map(Integer)
                    .map_err(|_| NotAnInteger::OutOfRange(text.to_owned()))
            }
            b't' | b'f' => Err(NotAnInteger::WrongType("a boolean")),
            b'n' => Err(NotAnInteger::WrongType("null")),
            b'[' => Err(NotAnInteger::WrongType("an array")),
            _ => Err(NotAnInteger::WrongType("an object")),
        }
    }
}

/// An optional minus sign and ASCII digits: what a decimal integer string is.
fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

impl<'de> Deserialize<'de> for Integer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Box::<RawValue>::deserialize(deserializer)?;
        Integer::read(&value).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Integer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
    }
}

impl JsonSchema for Integer {
    fn schema_name() -> Cow<'static, str> {
        "Integer".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A 64-bit signed integer, as a JSON integer or a decimal string.",
            "oneOf": [
                {"type": "integer", "minimum": i64::MIN, "maximum": i64::MAX},
                {"type": "string", "pattern": "^-?[0-9]+$"}
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(value: &str) -> Result<i64, NotAnInteger> {
        let raw: Box<RawValue> = serde_json::from_str(value).unwrap();
        Integer::read(&raw).map(|Integer(x)| x)
    }

    #[test]
    fn integers_and_decimal_strings() {
        for (value, x) in [
            ("10", 10),
            (r#""10""#, 10),
            (r#""-7""#, -7),
            ("-9223372036854775808", i64::MIN),
            (r#""9223372036854775807""#, i64::MAX),
            ("0", 0),
        ] {
            assert_eq!(read(value), Ok(x), "{value}");
        }
    }

    #[test]
    fn everything_else_says_why() {
        use NotAnInteger::*;
        for (value, error) in [
            ("1.5", Fraction("1.5".into())),
            ("1.0", Fraction("1.0".into())),
            ("1e3", Fraction("1e3".into())),
            (
                "9223372036854775808",
                OutOfRange("9223372036854775808".into()),
            ),
            (
                r#""-9223372036854775809""#,
                OutOfRange(r#""-9223372036854775809""#.into()),
            ),
            (r#""ten""#, NotDecimal(r#""ten""#.into())),
            (r#"" 10""#, NotDecimal(r#"" 10""#.into())),
            (r#""+10""#, NotDecimal(r#""+10""#.into())),
            (r#""""#, NotDecimal(r#""""#.into())),
            ("true", WrongType("a boolean")),
            ("null", WrongType("null")),
            ("[1]", WrongType("an array")),
            (r#"{"x":1}"#, WrongType("an object")),
        ] {
            assert_eq!(read(value), Err(error), "{value}");
        }
    }
}
