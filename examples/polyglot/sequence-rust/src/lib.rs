//! `sequence-rust`: the terms of a sequence (examples/polyglot/README.md),
//! the same function as `sequence-python` and `sequence-ts`.

use rpc_function::{component, Error, Function, SafeInteger};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Fibonacci,
    Primes,
    Squares,
}

/// The terms `start` to `start + count - 1` of a sequence (indices from 0),
/// without the values in `skip` and those outside `window`.
#[derive(Deserialize, Serialize, JsonSchema)]
pub struct Params {
    /// Which sequence.
    pub kind: Kind,
    /// How many terms are computed.
    pub count: u32,
    /// The index of the first term.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub start: u32,
    /// Values left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skip: Vec<SafeInteger>,
    /// Only the values from `min` to `max`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
}

#[derive(Deserialize, Serialize, JsonSchema)]
pub struct Window {
    pub min: SafeInteger,
    pub max: SafeInteger,
}

#[derive(Serialize, JsonSchema)]
pub struct Terms {
    pub kind: Kind,
    pub terms: Vec<SafeInteger>,
    pub sum: SafeInteger,
}

/// A term or the sum passes what a safe integer holds.
pub const TOO_LARGE: i64 = 1;

pub const SEQUENCE: Function<Params, Terms> = Function {
    name: "sequence-rust",
    apply: sequence,
    errors: &[(
        TOO_LARGE,
        "a term or the sum is past 2^53 - 1 (data: its index)",
    )],
    example: || {
        let params = Params {
            kind: Kind::Fibonacci,
            count: 10,
            start: 0,
            skip: Vec::new(),
            window: None,
        };
        let terms = [0, 1, 1, 2, 3, 5, 8, 13, 21, 34].map(safe);
        let result = Terms {
            kind: Kind::Fibonacci,
            terms: terms.to_vec(),
            sum: safe(88),
        };
        (params, result)
    },
};

fn sequence(params: Params) -> Result<Terms, Error> {
    let Params {
        kind,
        count,
        start,
        skip,
        window,
    } = params;
    // Room for every term before the first is computed, as a plain
    // function keeps it.
    let mut terms = Vec::with_capacity(count as usize);
    let mut sum = 0i64;
    let mut sequence = Sequence::new(kind);
    for index in 0..u64::from(start) + u64::from(count) {
        let value = sequence.term(index)?;
        let kept = !skip.contains(&value)
            && window
                .as_ref()
                .is_none_or(|window| (window.min..=window.max).contains(&value));
        if index < u64::from(start) || !kept {
            continue;
        }
        sum = sum
            .checked_add(value.get())
            .and_then(SafeInteger::new)
            .ok_or_else(|| too_large("the sum of the terms", index))?
            .get();
        terms.push(value);
    }
    Ok(Terms {
        kind,
        terms,
        sum: safe(sum),
    })
}

/// Each term in turn.
struct Sequence {
    kind: Kind,
    /// Fibonacci's last two terms.
    pair: (i64, i64),
    /// The primes so far.
    primes: Vec<i64>,
}

impl Sequence {
    fn new(kind: Kind) -> Self {
        Sequence {
            kind,
            pair: (0, 1),
            primes: Vec::new(),
        }
    }

    /// The term at `index`, the one after the last asked for.
    fn term(&mut self, index: u64) -> Result<SafeInteger, Error> {
        let value = match self.kind {
            Kind::Fibonacci => {
                let (a, b) = self.pair;
                self.pair = (b, a + b);
                Some(a)
            }
            Kind::Squares => i64::try_from(index).ok().and_then(|i| i.checked_mul(i)),
            Kind::Primes => Some(self.next_prime()),
        };
        value
            .and_then(SafeInteger::new)
            .ok_or_else(|| too_large(&format!("term {index}"), index))
    }

    /// The next prime, by trial division by the primes found so far.
    fn next_prime(&mut self) -> i64 {
        let mut candidate = self.primes.last().map_or(2, |last| last + 1);
        while self
            .primes
            .iter()
            .take_while(|&&prime| prime * prime <= candidate)
            .any(|&prime| candidate % prime == 0)
        {
            candidate += 1;
        }
        self.primes.push(candidate);
        candidate
    }
}

/// The data of [`TOO_LARGE`]: the index of the term it was at.
#[derive(Serialize)]
struct At {
    index: u64,
}

fn too_large(what: &str, index: u64) -> Error {
    Error::new(TOO_LARGE, format!("{what} is past {}", SafeInteger::MAX)).with_data(At { index })
}

/// A value known to be safe (the example's, a checked sum).
fn safe(value: i64) -> SafeInteger {
    SafeInteger::new(value).unwrap_or_default()
}

fn is_zero(value: &u32) -> bool {
    *value == 0
}

#[http_component]
fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
    component::respond(&SEQUENCE, request, response_out)
}
