//! `stats`: one statistic of a list of numbers. A test-only function whose
//! params take every shape a client must render from `rpc.discover`: an
//! array, an enum, a nested object and an optional param.

use rpc_function::{component, Function};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

/// One statistic of the numbers within a range (test only).
///
/// The numbers outside the range are left out; with none left, the value
/// is null.
#[derive(Deserialize, Serialize, JsonSchema)]
pub struct Query {
    /// The numbers.
    pub values: Vec<f64>,
    /// Which statistic.
    pub statistic: Statistic,
    /// Which numbers count.
    pub range: Range,
    /// Decimal places to round the value to (unrounded if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub places: Option<u8>,
}

#[derive(Deserialize, Serialize, JsonSchema, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum Statistic {
    Mean,
    Min,
    Max,
}

#[derive(Deserialize, Serialize, JsonSchema)]
pub struct Range {
    /// The smallest number that counts.
    pub from: f64,
    /// The largest number that counts.
    pub to: f64,
}

#[derive(Serialize, JsonSchema)]
pub struct Statistics {
    pub statistic: Statistic,
    /// The statistic, null when no number counts.
    pub value: Option<f64>,
    /// How many numbers counted.
    pub count: usize,
}

pub const STATS: Function<Query, Statistics> = Function {
    name: "stats",
    apply: |query| Ok(statistics(&query)),
    errors: &[],
    example: || {
        let query = Query {
            values: vec![1.5, 4.25, 10.0, -2.0],
            statistic: Statistic::Mean,
            range: Range { from: 0.0, to: 5.0 },
            places: Some(1),
        };
        let answer = Statistics {
            statistic: Statistic::Mean,
            value: Some(2.9),
            count: 2,
        };
        (query, answer)
    },
};

fn statistics(query: &Query) -> Statistics {
    let counted: Vec<f64> = (query.values.iter().copied())
        .filter(|value| (query.range.from..=query.range.to).contains(value))
        .collect();
    let value = match query.statistic {
        _ if counted.is_empty() => None,
        Statistic::Mean => Some(counted.iter().sum::<f64>() / counted.len() as f64),
        Statistic::Min => counted.iter().copied().reduce(f64::min),
        Statistic::Max => counted.iter().copied().reduce(f64::max),
    };
    let rounded = |value: f64| match query.places {
        Some(places) => {
            let scale = 10_f64.powi(i32::from(places.min(15)));
            (value * scale).round() / scale
        }
        None => value,
    };
    Statistics {
        statistic: query.statistic,
        value: value.map(rounded),
        count: counted.len(),
    }
}

#[http_component]
fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
    component::respond(&STATS, request, response_out)
}
