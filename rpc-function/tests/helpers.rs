//! The Python and TypeScript helpers (`rpc-function-python/`,
//! `rpc-function-ts/`) speak the protocol as this SDK does: the codes they
//! name are `rpc-protocol`'s, and they describe invalid params in the same
//! words. Read from their sources, so that a code changed on one side only
//! fails here.

use rpc_function::function::INVALID_PARAMS_MEANING;
use rpc_protocol::code::ErrorCode;
use rpc_protocol::error::ErrorObject;
use std::fs;
use std::path::{Path, PathBuf};

/// The sources of each helper, from the repository's root.
const SOURCES: [(&str, &str); 2] = [
    ("rpc-function-python/rpc_function", "py"),
    ("rpc-function-ts/src", "ts"),
];

/// The constants the helpers declare, in which file, and the code each is.
const CONSTANTS: [(&str, &str, ErrorCode); 4] = [
    (
        "rpc-function-python/rpc_function/function.py",
        "INVALID_REQUEST",
        ErrorCode::InvalidRequest,
    ),
    (
        "rpc-function-python/rpc_function/function.py",
        "INVALID_PARAMS",
        ErrorCode::InvalidParams,
    ),
    (
        "rpc-function-ts/src/inner.ts",
        "INVALID_REQUEST",
        ErrorCode::InvalidRequest,
    ),
    (
        "rpc-function-ts/src/function.ts",
        "INVALID_PARAMS",
        ErrorCode::InvalidParams,
    ),
];

/// The files that declare `INVALID_PARAMS_MEANING`.
const MEANINGS: [&str; 2] = [
    "rpc-function-python/rpc_function/function.py",
    "rpc-function-ts/src/function.ts",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &str) -> String {
    fs::read_to_string(root().join(path)).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// The value of `name = value` (`const`, `export const` or plain), its
/// value on the next line if not on the declaration's.
fn declared<'a>(source: &'a str, name: &str) -> Option<&'a str> {
    let lines: Vec<&str> = source.lines().collect();
    lines.iter().enumerate().find_map(|(i, line)| {
        let line = line
            .trim_start_matches("export ")
            .trim_start_matches("const ");
        let value = line.strip_prefix(name)?.trim_start().strip_prefix('=')?;
        let value = match value.trim() {
            "" => lines.get(i + 1)?.trim(),
            value => value,
        };
        Some(value.trim_end_matches(';'))
    })
}

/// Every `-32xxx` number a source holds, comments included.
fn reserved_numbers(source: &str) -> Vec<i64> {
    let bytes = source.as_bytes();
    source
        .match_indices("-32")
        .filter_map(|(at, _)| {
            let digits = bytes.get(at + 1..at + 6)?;
            let more = bytes.get(at + 6).is_some_and(u8::is_ascii_digit);
            let number = std::str::from_utf8(digits).ok()?.parse::<i64>().ok()?;
            (!more && digits.iter().all(u8::is_ascii_digit)).then_some(-number)
        })
        .collect()
}

#[test]
fn the_helpers_constants_are_the_protocols_codes() {
    for (path, name, code) in CONSTANTS {
        let source = read(path);
        let value = declared(&source, name);
        assert_eq!(
            value,
            Some(code.code().to_string().as_str()),
            "{path}: {name}"
        );
    }
}

#[test]
fn every_reserved_code_the_helpers_name_is_one_of_the_protocols() {
    let known: Vec<i64> = ErrorCode::ALL.iter().map(|code| code.code()).collect();
    let bounds = [*ErrorCode::RESERVED.start(), *ErrorCode::RESERVED.end()];
    for (dir, extension) in SOURCES {
        let entries = fs::read_dir(root().join(dir)).unwrap_or_else(|e| panic!("{dir}: {e}"));
        let files: Vec<PathBuf> = entries
            .filter_map(|entry| Some(entry.ok()?.path()))
            .filter(|path| path.extension().is_some_and(|e| e == extension))
            .collect();
        assert!(!files.is_empty(), "{dir}");
        for file in files {
            let source = fs::read_to_string(&file).unwrap_or_default();
            for number in reserved_numbers(&source) {
                let named = known.contains(&number) || bounds.contains(&number);
                assert!(named, "{}: {number} is not rpc-protocol's", file.display());
            }
        }
    }
}

#[test]
fn the_helpers_describe_invalid_params_in_the_sdks_words() {
    let meaning = ErrorObject::invalid_params(INVALID_PARAMS_MEANING).message;
    for path in MEANINGS {
        let source = read(path);
        let value = declared(&source, "INVALID_PARAMS_MEANING");
        assert_eq!(value, Some(format!("{meaning:?}").as_str()), "{path}");
    }
}
