//! The call log: one JSON line per request on the router's stderr, which Spin
//! keeps with the component's logs (and `spin up` prints).
//!
//! ```json
//! {"time":"2026-11-28T02:00:00.123Z","request_id":"…","trace_id":null,"status":200,
//!  "batch":3,"calls":[{"method":"double","function":"double","outcome":"ok","count":2,"us":812},
//!                     {"method":"nope","function":null,"outcome":-32601,"count":1,"us":0}]}
//! ```
//!
//! What a request asked and what it got, never what it carried: no params,
//! no results, no tokens. The calls of a batch are summed up, one entry per
//! method, function and outcome: a batch of 100 calls of one function that
//! all succeed is one entry, so that a line costs little to build and to
//! write whatever the batch. On by default (`call_log = "true"`); `"false"`
//! turns it off. The health check is not logged.

use crate::jsonrpc::error::long_method;
use crate::service::CallRecord;
use serde::Serialize;
use std::borrow::Cow;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One request: a line of the log.
#[derive(Debug, Serialize)]
pub struct RequestRecord<'a> {
    #[serde(serialize_with = "rfc3339")]
    pub time: SystemTime,
    pub request_id: &'a str,
    pub trace_id: Option<&'a str>,
    pub status: u16,
    /// The number of entries of a batch; `null` for a single request.
    pub batch: Option<usize>,
    #[serde(serialize_with = "summary")]
    pub calls: &'a [CallRecord<'a>],
}

/// An entry of a line's `calls`: the calls of one method, function and
/// outcome, how many there were, and the longest function request among
/// them.
#[derive(Serialize)]
struct Entry<'a> {
    #[serde(serialize_with = "method")]
    method: &'a Option<Cow<'a, str>>,
    function: Option<&'a str>,
    #[serde(serialize_with = "outcome")]
    outcome: &'a Result<(), i64>,
    count: usize,
    #[serde(rename = "us", serialize_with = "micros")]
    longest: Duration,
}

/// The calls of a request as entries, in the order each first appears.
fn summary<S: serde::Serializer>(calls: &&[CallRecord<'_>], s: S) -> Result<S::Ok, S::Error> {
    let mut entries: Vec<Entry> = Vec::new();
    for call in calls.iter() {
        let same = |entry: &&mut Entry| {
            *entry.method == call.method
                && entry.function == call.function
                && *entry.outcome == call.outcome
        };
        match entries.iter_mut().find(same) {
            Some(entry) => {
                entry.count += 1;
                entry.longest = entry.longest.max(call.duration);
            }
            None => entries.push(Entry {
                method: &call.method,
                function: call.function,
                outcome: &call.outcome,
                count: 1,
                longest: call.duration,
            }),
        }
    }
    s.collect_seq(entries)
}

impl RequestRecord<'_> {
    /// The line, newline included. Besides JSON's own escapes, U+2028,
    /// U+2029 and the C1 controls are written as `\uXXXX`: a log reader
    /// that splits lines on them, or a terminal that obeys them, sees one
    /// plain line.
    pub fn line(&self) -> String {
        // Strings, numbers and nulls only: serialization cannot fail.
        let mut line = serde_json::to_string(self).unwrap_or_default();
        // Almost every line has none: it is copied only when one has some.
        if line.contains(breaks_lines) {
            let mut escaped = String::with_capacity(line.len() + 16);
            for c in line.chars() {
                match breaks_lines(c) {
                    true => escaped.push_str(&format!("\\u{:04x}", c as u32)),
                    false => escaped.push(c),
                }
            }
            line = escaped;
        }
        line.push('\n');
        line
    }
}

/// The client's `x-request-id`, if it is one to keep: 1 to 128 visible
/// ASCII characters (anything else is replaced by a generated id).
pub fn client_request_id(values: &[&[u8]]) -> Option<String> {
    let [value] = values else { return None };
    let usable = (1..=128).contains(&value.len()) && value.iter().all(|b| b.is_ascii_graphic());
    usable.then(|| String::from_utf8_lossy(value).into_owned())
}

/// A character that some log readers or terminals take as a line break or
/// a control: U+2028, U+2029 and the C1 controls (JSON leaves them as they are).
fn breaks_lines(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{9f}' | '\u{2028}' | '\u{2029}')
}

fn method<S: serde::Serializer>(method: &&Option<Cow<'_, str>>, s: S) -> Result<S::Ok, S::Error> {
    match method
        .as_deref()
        .map(|method| (method, long_method(method)))
    {
        Some((_, Some((start, length)))) => {
            s.collect_str(&format_args!("{start}… ({length} characters)"))
        }
        method => method.map(|(method, _)| method).serialize(s),
    }
}

fn outcome<S: serde::Serializer>(outcome: &&Result<(), i64>, s: S) -> Result<S::Ok, S::Error> {
    match outcome {
        Ok(()) => s.serialize_str("ok"),
        Err(code) => s.serialize_i64(*code),
    }
}

fn micros<S: serde::Serializer>(duration: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(duration.as_micros()).unwrap_or(u64::MAX))
}

/// `YYYY-MM-DDThh:mm:ss.mmmZ`, in UTC.
fn rfc3339<S: serde::Serializer>(time: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
    let since_epoch = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since_epoch.as_secs();
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    let of_day = seconds % 86_400;
    s.collect_str(&format_args!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60,
        since_epoch.subsec_millis()
    ))
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn a_line_is_one_json_object_with_every_field() {
        let calls = [
            CallRecord {
                method: Some("double".into()),
                function: Some("double"),
                outcome: Ok(()),
                duration: Duration::from_micros(812),
            },
            CallRecord {
                method: None,
                function: None,
                outcome: Err(-32600),
                duration: Duration::ZERO,
            },
        ];
        let record = RequestRecord {
            time: UNIX_EPOCH + Duration::from_millis(1_795_824_000_123),
            request_id: "r-1",
            trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736"),
            status: 200,
            batch: Some(2),
            calls: &calls,
        };
        let line = record.line();
        assert_eq!(line.matches('\n').count(), 1);
        assert!(line.ends_with('\n'));
        let parsed: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            parsed,
            json!({
                "time": "2026-11-28T00:00:00.123Z",
                "request_id": "r-1",
                "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
                "status": 200,
                "batch": 2,
                "calls": [
                    {"method": "double", "function": "double", "outcome": "ok", "count": 1, "us": 812},
                    {"method": null, "function": null, "outcome": -32600, "count": 1, "us": 0},
                ],
            })
        );
    }

    #[test]
    fn a_batchs_calls_are_summed_up_by_method_function_and_outcome() {
        let call = |method: &'static str, outcome, micros| CallRecord {
            method: Some(method.into()),
            function: Some(method),
            outcome,
            duration: Duration::from_micros(micros),
        };
        let calls = [
            call("double", Ok(()), 300),
            call("triple", Ok(()), 200),
            call("double", Err(-32602), 300),
            call("double", Ok(()), 500),
            call("triple", Ok(()), 100),
        ];
        let record = RequestRecord {
            time: UNIX_EPOCH,
            request_id: "r",
            trace_id: None,
            status: 200,
            batch: Some(5),
            calls: &calls,
        };
        let parsed: Value = serde_json::from_str(&record.line()).unwrap();
        let entry = |method, outcome, count, us| json!({"method": method, "function": method, "outcome": outcome, "count": count, "us": us});
        assert_eq!(
            parsed["calls"],
            json!([
                entry("double", json!("ok"), 2, 500),
                entry("triple", json!("ok"), 2, 200),
                entry("double", json!(-32602), 1, 300),
            ])
        );
    }

    #[test]
    fn long_methods_are_cut_and_line_breaking_characters_escaped() {
        let long = "m".repeat(10_000);
        let odd = "a\u{2028}b\u{2029}c\u{85}d\u{9b}e";
        let calls = [long.as_str(), odd].map(|method| CallRecord {
            method: Some(method.into()),
            function: None,
            outcome: Err(-32601),
            duration: Duration::ZERO,
        });
        let record = RequestRecord {
            time: UNIX_EPOCH,
            request_id: "r",
            trace_id: None,
            status: 200,
            batch: Some(2),
            calls: &calls,
        };
        let line = record.line();
        assert!(line.len() < 500, "{line}");
        assert!(!line.contains(breaks_lines), "{line:?}");
        let parsed: Value = serde_json::from_str(&line).unwrap();
        let logged = parsed["calls"][0]["method"].as_str().unwrap();
        assert_eq!(logged, format!("{}… (10000 characters)", &long[..128]));
        assert_eq!(parsed["calls"][1]["method"], json!(odd));
    }

    #[test]
    fn dates_are_gregorian() {
        for (days, date) in [
            (0, (1970, 1, 1)),
            (11_016, (2000, 2, 29)),
            (19_417, (2023, 3, 1)),
            (-1, (1969, 12, 31)),
        ] {
            assert_eq!(civil_from_days(days), date, "{days}");
        }
    }

    #[test]
    fn a_client_request_id_is_kept_only_if_plain() {
        assert_eq!(client_request_id(&[b"req-42"]).as_deref(), Some("req-42"));
        let long = [b'a'; 129];
        for values in [
            &[][..],
            &[&b""[..]],
            &[&b"a b"[..]],
            &[&b"caf\xc3\xa9"[..]],
            &[&long[..]],
            &[&b"a"[..], b"b"],
        ] {
            assert_eq!(client_request_id(values), None, "{values:?}");
        }
    }
}
