//! Reading a call's params into the function's params type: a struct whose
//! fields are the params, by position (`[a, b]`, in declaration order) or by
//! name (`{"a": a, "b": b}`). Everything else is refused with a message that
//! names the param and what was expected, for a JSON-RPC `-32602`.

use serde::de::{self, DeserializeOwned, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::ops::RangeInclusive;

/// The names of the fields of `P`, in declaration order: what serde asks a
/// deserializer for when it reads a struct.
pub fn names<'de, P: Deserialize<'de>>() -> &'static [&'static str] {
    let mut names: &'static [&'static str] = &[];
    let _ = P::deserialize(FieldNames(&mut names));
    names
}

/// Reads the params of one call (`None` when the client sent none).
pub fn read<P: DeserializeOwned>(params: Option<&RawValue>) -> Result<P, String> {
    let names = names::<P>();
    // The common case first, with no copy: params by position, read
    // straight from the client's text (serde reads a struct's fields from
    // an array in declaration order). Whatever that refuses (too few or too
    // many, a bad value) is read again below, to say which param is wrong.
    if let Some(params) = params.filter(|params| !names.is_empty() && params.get().starts_with('['))
    {
        if let Ok(params) = serde_json::from_str(params.get()) {
            return Ok(params);
        }
    }
    let members = match params.map(|params| (params, params.get().as_bytes().first())) {
        None | Some((_, Some(b'n'))) if names.is_empty() => Vec::new(),
        None | Some((_, Some(b'n'))) => return Err(missing_params(names)),
        Some((params, Some(b'['))) => by_position(params, names)?,
        Some((params, Some(b'{'))) => by_name(params, names)?,
        Some(_) => return Err("params must be an array or an object".to_owned()),
    };
    let (object, spans) = as_object(&members);
    serde_json::from_str(&object).map_err(|error| {
        let message = error.to_string();
        // serde_json appends where in our text it was; say which param instead.
        let message = message.split(" at line ").next().unwrap_or(&message);
        // A param missing from the call; a field missing inside one is told
        // by the param it is in, below.
        if let Some(name) = message.strip_prefix("missing field `") {
            let name = name.trim_end_matches('`');
            if names.contains(&name) {
                return format!("missing argument \"{name}\"");
            }
        }
        let at = error.column().saturating_sub(1);
        match spans.iter().find(|(_, span)| span.contains(&at)) {
            Some((name, _)) => format!("{name} {message}"),
            None => message.to_owned(),
        }
    })
}

/// The params as one object of our own writing, `{"a":<a>,"b":<b>}` with
/// each value the client's own text, and where each value is in it, so that
/// the position of an error in it tells which param was wrong.
fn as_object<'a>(
    members: &[(&'a str, &RawValue)],
) -> (String, Vec<(&'a str, RangeInclusive<usize>)>) {
    let mut object = String::from("{");
    let mut spans = Vec::new();
    for (name, value) in members {
        if object.len() > 1 {
            object.push(',');
        }
        object.push_str(&format!("\"{name}\":"));
        let start = object.len();
        object.push_str(value.get());
        spans.push((*name, start..=object.len()));
    }
    object.push('}');
    (object, spans)
}

fn missing_params(names: &[&str]) -> String {
    let by_name: Vec<String> = names
        .iter()
        .map(|name| format!("\"{name}\": {name}"))
        .collect();
    format!(
        "missing params: expected [{}] or {{{}}}",
        names.join(", "),
        by_name.join(", ")
    )
}

/// `[a, b]` as the members `a` and `b`.
fn by_position<'a>(
    params: &'a RawValue,
    names: &[&'static str],
) -> Result<Vec<(&'static str, &'a RawValue)>, String> {
    let values: Vec<&RawValue> =
        serde_json::from_str(params.get()).map_err(|error| error.to_string())?;
    if values.len() > names.len() {
        let expected = match names.len() {
            1 => "exactly one argument".to_owned(),
            n => format!("at most {n} arguments"),
        };
        return Err(format!(
            "expected {expected} [{}], got {}",
            names.join(", "),
            values.len()
        ));
    }
    Ok(names.iter().copied().zip(values).collect())
}

/// `{"a": a, "b": b}` as its members, once every name is known.
fn by_name<'a>(
    params: &'a RawValue,
    names: &[&'static str],
) -> Result<Vec<(&'static str, &'a RawValue)>, String> {
    let members: BTreeMap<&str, &RawValue> =
        serde_json::from_str(params.get()).map_err(|error| error.to_string())?;
    let mut known = Vec::with_capacity(members.len());
    for (name, value) in members {
        match names.iter().find(|known| **known == name) {
            Some(known_name) => known.push((*known_name, value)),
            None => {
                let expected: Vec<String> =
                    names.iter().map(|name| format!("\"{name}\"")).collect();
                return Err(format!(
                    "unexpected argument \"{name}\"; expected {}",
                    match expected.as_slice() {
                        [] => "none".to_owned(),
                        [one] => format!("only {one}"),
                        many => many.join(", "),
                    }
                ));
            }
        }
    }
    Ok(known)
}

/// A deserializer that only records the field names serde asks for.
struct FieldNames<'a>(&'a mut &'static [&'static str]);

/// How [`FieldNames`] stops serde once it has the names: an error that
/// carries nothing, so that asking costs no allocation (it is asked per call).
#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("only the field names were read")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl<'de> de::Deserializer<'de> for FieldNames<'_> {
    type Error = Stop;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(Stop)
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)] // read only to see what reading refuses
    struct Params {
        count: u32,
        window: Option<Window>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)] // read only to see what reading refuses
    struct Window {
        min: i64,
        max: i64,
    }

    fn refusal(params: &str) -> String {
        let raw: Box<RawValue> = serde_json::from_str(params).unwrap();
        read::<Params>(Some(&raw)).unwrap_err()
    }

    #[test]
    fn a_missing_param_is_named_and_so_is_the_param_a_missing_field_is_in() {
        assert_eq!(refusal(r#"{"window": null}"#), "missing argument \"count\"");
        let nested = refusal(r#"{"count": 1, "window": {"min": 0}}"#);
        assert!(nested.starts_with("window missing field `max`"), "{nested}");
        let typed = refusal(r#"[1, {"min": 0, "max": "9"}]"#);
        assert!(typed.starts_with("window invalid type"), "{typed}");
    }
}
