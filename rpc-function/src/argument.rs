//! Reading the integer argument `x` of a function.
//!
//! `x` comes by position (`[x]`) or by name (`{"x": x}`), as a JSON integer
//! or as a decimal string (the 2019 seed passed `"10"`), and must fit in a
//! 64-bit signed integer. Everything else is refused with a message that says
//! what was wrong, for a JSON-RPC `-32602 Invalid params`.

use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::fmt;

/// Why the params did not give an integer `x`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgumentError {
    Missing,
    NotArrayOrObject,
    WrongCount(usize),
    MissingName,
    UnexpectedName(String),
    Fraction(String),
    OutOfRange(String),
    NotDecimal(String),
    WrongType(&'static str),
}

impl fmt::Display for ArgumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => write!(f, "missing params: expected [x] or {{\"x\": x}}"),
            Self::NotArrayOrObject => write!(f, "params must be [x] or {{\"x\": x}}"),
            Self::WrongCount(n) => write!(f, "expected exactly one argument [x], got {n}"),
            Self::MissingName => write!(f, "missing argument \"x\""),
            Self::UnexpectedName(name) => {
                write!(f, "unexpected argument {name:?}; expected only \"x\"")
            }
            Self::Fraction(text) => write!(f, "x must be an integer, got {text}"),
            Self::OutOfRange(text) => {
                write!(f, "x is outside the 64-bit signed integer range: {text}")
            }
            Self::NotDecimal(text) => write!(f, "x is not a decimal integer string: {text}"),
            Self::WrongType(kind) => {
                write!(f, "x must be an integer or a decimal string, got {kind}")
            }
        }
    }
}

impl std::error::Error for ArgumentError {}

/// Reads `x` from the params of one call.
pub fn read_x(params: Option<&RawValue>) -> Result<i64, ArgumentError> {
    let params = params.ok_or(ArgumentError::Missing)?;
    let x = match first_byte(params) {
        b'[' => {
            let items: Vec<&RawValue> =
                serde_json::from_str(params.get()).map_err(|_| ArgumentError::NotArrayOrObject)?;
            match items.as_slice() {
                [x] => *x,
                other => return Err(ArgumentError::WrongCount(other.len())),
            }
        }
        b'{' => {
            let mut fields: BTreeMap<String, &RawValue> =
                serde_json::from_str(params.get()).map_err(|_| ArgumentError::NotArrayOrObject)?;
            let x = fields.remove("x").ok_or(ArgumentError::MissingName)?;
            if let Some(name) = fields.into_keys().next() {
                return Err(ArgumentError::UnexpectedName(name));
            }
            x
        }
        b'n' => return Err(ArgumentError::Missing),
        _ => return Err(ArgumentError::NotArrayOrObject),
    };
    read_integer(x)
}

/// Reads one JSON value as an i64: an integer token or a decimal string.
/// Works on the token's own text, so `1.0`, `1e3` and `2^63` are told apart
/// from integers exactly instead of going through a float.
pub fn read_integer(value: &RawValue) -> Result<i64, ArgumentError> {
    let text = value.get();
    match first_byte(value) {
        b'-' | b'0'..=b'9' => {
            if text.contains(['.', 'e', 'E']) {
                Err(ArgumentError::Fraction(text.to_owned()))
            } else {
                text.parse()
                    .map_err(|_| ArgumentError::OutOfRange(text.to_owned()))
            }
        }
        b'"' => {
            let string: String =
                serde_json::from_str(text).map_err(|_| ArgumentError::WrongType("a string"))?;
            parse_decimal(&string).ok_or_else(|| {
                if is_decimal(&string) {
                    ArgumentError::OutOfRange(text.to_owned())
                } else {
                    ArgumentError::NotDecimal(text.to_owned())
                }
            })
        }
        b't' | b'f' => Err(ArgumentError::WrongType("a boolean")),
        b'n' => Err(ArgumentError::WrongType("null")),
        b'[' => Err(ArgumentError::WrongType("an array")),
        _ => Err(ArgumentError::WrongType("an object")),
    }
}

fn first_byte(value: &RawValue) -> u8 {
    value.get().bytes().next().unwrap_or(b'n')
}

/// An optional minus sign and ASCII digits: what a decimal integer string is.
fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn parse_decimal(text: &str) -> Option<i64> {
    if is_decimal(text) {
        text.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(params: &str) -> Result<i64, ArgumentError> {
        let raw: Box<RawValue> = serde_json::from_str(params).unwrap();
        read_x(Some(&raw))
    }

    #[test]
    fn accepted_forms_of_x() {
        let cases = [
            ("[10]", 10),
            (r#"{"x": 10}"#, 10),
            (r#"["10"]"#, 10),
            (r#"{"x": "-7"}"#, -7),
            ("[-9223372036854775808]", i64::MIN),
            (r#"["9223372036854775807"]"#, i64::MAX),
            ("[ 0 ]", 0),
        ];
        for (params, x) in cases {
            assert_eq!(read(params), Ok(x), "params {params}");
        }
    }

    #[test]
    fn refused_forms_of_x_say_why() {
        use ArgumentError::*;
        let cases = [
            ("[]", WrongCount(0)),
            ("[1, 2]", WrongCount(2)),
            ("{}", MissingName),
            (r#"{"x": 1, "y": 2}"#, UnexpectedName("y".into())),
            (r#"{"y": 2}"#, MissingName),
            ("[1.5]", Fraction("1.5".into())),
            ("[1.0]", Fraction("1.0".into())),
            ("[1e3]", Fraction("1e3".into())),
            (
                "[9223372036854775808]",
                OutOfRange("9223372036854775808".into()),
            ),
            (
                r#"["-9223372036854775809"]"#,
                OutOfRange(r#""-9223372036854775809""#.into()),
            ),
            (r#"["ten"]"#, NotDecimal(r#""ten""#.into())),
            (r#"[" 10"]"#, NotDecimal(r#"" 10""#.into())),
            (r#"["+10"]"#, NotDecimal(r#""+10""#.into())),
            (r#"[""]"#, NotDecimal(r#""""#.into())),
            ("[true]", WrongType("a boolean")),
            ("[null]", WrongType("null")),
            ("[[1]]", WrongType("an array")),
            (r#"[{"x":1}]"#, WrongType("an object")),
            ("null", Missing),
            ("7", NotArrayOrObject),
        ];
        for (params, error) in cases {
            assert_eq!(read(params), Err(error), "params {params}");
        }
        assert_eq!(read_x(None), Err(Missing));
    }
}
