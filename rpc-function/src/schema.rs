//! A type's JSON Schema in the dialect of OpenRPC 1.3 documents: JSON Schema
//! draft-07, every subschema inlined (a `$ref` could not resolve inside the
//! document the schema ends up in), and no `format` outside JSON Schema's
//! own vocabulary. schemars writes OpenAPI's number formats (`int64`,
//! `uint8`, `double`, ...), which JSON Schema validators refuse as unknown;
//! what an integer format means is said with `minimum` and `maximum`
//! instead, and a float's format is dropped (JSON numbers are what it holds).

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::{Map, Value};

pub(crate) fn schema_of<T: JsonSchema>() -> Value {
    let generator = SchemaSettings::draft07()
        .with(|settings| settings.inline_subschemas = true)
        .into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    if let Some(root) = schema.as_object_mut() {
        root.remove("$schema");
    }
    without_number_formats(&mut schema);
    schema
}

/// Replaces every number format in `schema` and its subschemas.
fn without_number_formats(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            replace_number_format(object);
            object.values_mut().for_each(without_number_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(without_number_formats),
        _ => {}
    }
}

fn replace_number_format(object: &mut Map<String, Value>) {
    let Some(format) = object.get("format").and_then(Value::as_str) else {
        return;
    };
    let bounds: Option<(Value, Value)> = match format {
        "int8" => Some((i8::MIN.into(), i8::MAX.into())),
        "int16" => Some((i16::MIN.into(), i16::MAX.into())),
        "int32" => Some((i32::MIN.into(), i32::MAX.into())),
        "int64" => Some((i64::MIN.into(), i64::MAX.into())),
        "int" => Some(((isize::MIN as i64).into(), (isize::MAX as i64).into())),
        "uint8" => Some((0.into(), u8::MAX.into())),
        "uint16" => Some((0.into(), u16::MAX.into())),
        "uint32" => Some((0.into(), u32::MAX.into())),
        "uint64" => Some((0.into(), u64::MAX.into())),
        "uint" => Some((0.into(), (usize::MAX as u64).into())),
        "float" | "double" => None,
        // JSON Schema's own formats (date-time, email, uri, ...) stay.
        _ => return,
    };
    let format = format.to_owned();
    object.remove("format");
    // schemars titles a bare number type by its format ("int64",
    // "Nullable_uint32"): no name a reader needs once the format is gone.
    if object
        .get("title")
        .and_then(Value::as_str)
        .is_some_and(|title| title.contains(&format))
    {
        object.remove("title");
    }
    if let Some((minimum, maximum)) = bounds {
        object.insert("minimum".to_owned(), minimum);
        object.insert("maximum".to_owned(), maximum);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integer_formats_become_bounds_and_float_formats_go() {
        assert_eq!(
            schema_of::<u8>(),
            json!({"type": "integer", "minimum": 0, "maximum": 255})
        );
        assert_eq!(
            schema_of::<i64>(),
            json!({"type": "integer", "minimum": i64::MIN, "maximum": i64::MAX})
        );
        assert_eq!(schema_of::<f64>(), json!({"type": "number"}));
        assert_eq!(
            schema_of::<Option<u32>>(),
            json!({"type": ["integer", "null"], "minimum": 0, "maximum": u32::MAX})
        );
        let list = schema_of::<Vec<i16>>();
        assert_eq!(
            list["items"],
            json!({"type": "integer", "minimum": i16::MIN, "maximum": i16::MAX})
        );
    }

    #[test]
    fn a_bare_number_loses_its_format_title_and_json_schemas_formats_stay() {
        assert_eq!(
            schema_of::<u64>(),
            json!({"type": "integer", "minimum": 0, "maximum": u64::MAX})
        );
        let mut date = json!({"type": "string", "format": "date-time"});
        without_number_formats(&mut date);
        assert_eq!(date, json!({"type": "string", "format": "date-time"}));
    }
}
