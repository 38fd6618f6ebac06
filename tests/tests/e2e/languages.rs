//! One app, three languages (`examples/polyglot/`): the same function,
//! `sequence`, written in Rust, in Python and in TypeScript, each added with
//! its template, each called as the others are. For each language: params
//! by position and by name with every kind of type, its own error with
//! `data`, `-32602` naming the param, a computation far past the work
//! budget answered `-32000` within about a second while the app keeps
//! answering, an allocation past the memory maximum answered `-32000`; and
//! a batch mixing the three, answered in order. (Their descriptions go
//! through the registry-driven checks and the OpenRPC tools with the other
//! apps': `functions.rs`.)

use crate::checks::*;
use crate::{Case, Servers};
use harness::Server;
use libtest_mimic::Failed;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

pub const CASES: &[(&str, Case)] = cases![
    each_language_takes_params_by_position_and_by_name,
    each_language_answers_its_own_error_and_names_a_bad_param,
    a_batch_mixing_the_three_languages_is_answered_in_order,
    each_languages_endless_work_traps_within_about_a_second,
    each_languages_allocation_past_its_maximum_traps,
];

/// The method of each language's `sequence`.
pub const LANGUAGES: [&str; 3] = ["sequence-rust", "sequence-python", "sequence-ts"];

/// The largest integer a JSON number carries exactly everywhere.
const SAFE_MAX: i64 = (1 << 53) - 1;

fn sequence(method: &str, params: Value, id: Value) -> Value {
    call(method, params, id)
}

fn the_app_keeps_answering(server: &Server, method: &str) -> Result<(), Failed> {
    let reply = json_reply(&rpc(
        server,
        &sequence(method, json!(["squares", 3]), json!("after")),
    ))?;
    expect_eq(
        reply["result"].clone(),
        json!({"kind": "squares", "terms": [0, 1, 4], "sum": 5}),
        &format!("{method} afterwards"),
    )
}

fn each_language_takes_params_by_position_and_by_name(servers: &Servers) -> Result<(), Failed> {
    let fibonacci =
        json!({"kind": "fibonacci", "terms": [0, 1, 1, 2, 3, 5, 8, 13, 21, 34], "sum": 88});
    for method in LANGUAGES {
        for params in [
            json!(["fibonacci", 10]),
            json!({"kind": "fibonacci", "count": 10}),
            json!({"count": 10, "kind": "fibonacci", "start": 0, "skip": [], "window": null}),
        ] {
            let reply = json_reply(&rpc(
                &servers.polyglot,
                &sequence(method, params.clone(), json!(1)),
            ))?;
            expect_eq(
                reply["result"].clone(),
                fibonacci.clone(),
                &format!("{method} {params}"),
            )?;
        }
        // Every kind of type: a literal, bounded integers, a list of a type,
        // an optional nested object.
        for (params, result) in [
            (
                json!({"kind": "squares", "count": 4, "start": 2, "skip": [9], "window": {"min": 0, "max": 20}}),
                json!({"kind": "squares", "terms": [4, 16], "sum": 20}),
            ),
            (
                json!(["primes", 6, 1, [7, 11]]),
                json!({"kind": "primes", "terms": [3, 5, 13, 17], "sum": 38}),
            ),
            (
                json!(["fibonacci", 1, 78]),
                json!({"kind": "fibonacci", "terms": [8944394323791464_i64], "sum": 8944394323791464_i64}),
            ),
            (
                json!(["primes", 0]),
                json!({"kind": "primes", "terms": [], "sum": 0}),
            ),
        ] {
            let reply = json_reply(&rpc(
                &servers.polyglot,
                &sequence(method, params.clone(), json!(2)),
            ))?;
            expect_eq(
                reply["result"].clone(),
                result,
                &format!("{method} {params}"),
            )?;
        }
    }
    Ok(())
}

fn each_language_answers_its_own_error_and_names_a_bad_param(
    servers: &Servers,
) -> Result<(), Failed> {
    for method in LANGUAGES {
        for (params, message, index) in [
            (json!(["fibonacci", 1, 79]), "term 79", 79),
            (
                json!({"kind": "fibonacci", "count": 100}),
                "the sum of the terms",
                77,
            ),
        ] {
            let reply = json_reply(&rpc(
                &servers.polyglot,
                &sequence(method, params.clone(), json!(1)),
            ))?;
            expect_eq(
                reply["error"].clone(),
                json!({"code": 1, "message": format!("{message} is past {SAFE_MAX}"), "data": {"index": index}}),
                &format!("{method} {params}: its own error, with its data"),
            )?;
        }
        for (params, param) in [
            (json!({"kind": "cubes", "count": 1}), "kind"),
            (json!({"kind": "squares", "count": -1}), "count"),
            (json!({"kind": "squares", "count": 1.5}), "count"),
            (json!({"kind": "squares", "count": 4294967296_i64}), "count"),
            (json!({"kind": "squares"}), "count"),
            (
                json!({"kind": "squares", "count": 1, "skip": ["9"]}),
                "skip",
            ),
            (
                json!({"kind": "squares", "count": 1, "skip": [9007199254740992_i64]}),
                "skip",
            ),
            (
                json!({"kind": "squares", "count": 1, "window": {"min": 0}}),
                "window",
            ),
            (json!({"kind": "squares", "count": 1, "every": 2}), "every"),
            (json!(["squares", 1, 0, [], null, 5]), "at most 5 arguments"),
        ] {
            let reply = json_reply(&rpc(
                &servers.polyglot,
                &sequence(method, params.clone(), json!(2)),
            ))?;
            expect_eq(
                error_code(&reply),
                Some(-32602),
                &format!("{method} {params}"),
            )?;
            let message = error_message(&reply);
            check(message.contains(param), || {
                format!("{method} {params}: {message:?} does not name {param:?}")
            })?;
        }
    }
    Ok(())
}

fn a_batch_mixing_the_three_languages_is_answered_in_order(
    servers: &Servers,
) -> Result<(), Failed> {
    let mut batch = Vec::new();
    for (index, method) in LANGUAGES.iter().cycle().take(9).enumerate() {
        let count = index as i64 + 1;
        batch.push(sequence(method, json!(["squares", count]), json!(index)));
    }
    batch.push(sequence(
        "sequence-python",
        json!(["cubes", 1]),
        json!("bad"),
    ));
    let reply = json_reply(&rpc(&servers.polyglot, &Value::Array(batch)))?;
    let responses = responses(&reply)?;
    let ids: Vec<Value> = responses.iter().map(|r| r["id"].clone()).collect();
    let mut expected_ids: Vec<Value> = (0..9).map(|id| json!(id)).collect();
    expected_ids.push(json!("bad"));
    expect_eq(ids, expected_ids, "ids in the batch's order")?;
    for (index, response) in responses.iter().take(9).enumerate() {
        let sum: i64 = (0..=index as i64).map(|i| i * i).sum();
        expect_eq(
            response["result"]["sum"].clone(),
            json!(sum),
            &format!("call {index}"),
        )?;
    }
    expect_eq(error_code(&responses[9]), Some(-32602), "the bad call")
}

/// The primes' first two million terms, found by trial division: far more
/// than a work budget of work in every language.
fn each_languages_endless_work_traps_within_about_a_second(
    servers: &Servers,
) -> Result<(), Failed> {
    for method in LANGUAGES {
        let started = Instant::now();
        let reply = json_reply(&rpc(
            &servers.polyglot,
            &sequence(
                method,
                json!({"kind": "primes", "count": 2000000}),
                json!(1),
            ),
        ))?;
        let took = started.elapsed();
        expect_eq(
            error_code(&reply),
            Some(-32000),
            &format!("{method}: endless work"),
        )?;
        check(took < Duration::from_millis(2500), || {
            format!("{method}: the work budget trapped after {took:?}")
        })?;
        the_app_keeps_answering(&servers.polyglot, method)?;
    }
    Ok(())
}

/// Room for fifty million terms (400 MB) before the first is computed: past
/// every language's memory maximum.
fn each_languages_allocation_past_its_maximum_traps(servers: &Servers) -> Result<(), Failed> {
    for method in LANGUAGES {
        let reply = json_reply(&rpc(
            &servers.polyglot,
            &sequence(
                method,
                json!({"kind": "squares", "count": 50000000}),
                json!(1),
            ),
        ))?;
        expect_eq(
            error_code(&reply),
            Some(-32000),
            &format!("{method}: 400 MB"),
        )?;
        the_app_keeps_answering(&servers.polyglot, method)?;
    }
    Ok(())
}
