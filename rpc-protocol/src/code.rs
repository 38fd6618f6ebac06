//! The JSON-RPC error codes of this app (spec §5.1): the specification's,
//! and the app's own in the server-error range `-32000..=-32099`. The
//! router answers with all of them; a function answers a bad argument or an
//! unreadable inner request with the spec's. Each code's meaning is here
//! only: the router's messages, the OpenRPC `errors` lists and the table of
//! `docs/protocol.md` (checked by a test below) all take it from
//! [`ErrorCode`].

use std::ops::RangeInclusive;

/// Declares [`ErrorCode`] from one table: each code's variant, its number
/// on the wire and its meaning, so that a code is added in one line and
/// [`ErrorCode::ALL`] can never miss one.
macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $meaning:literal;)*) => {
        /// An error code of this app, with its meaning; the number on the
        /// wire is its discriminant.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(i64)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant = $code,)*
        }

        impl ErrorCode {
            /// Every code, in the order of `docs/protocol.md`'s table.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// Its meaning in a few words. The router's messages for the
            /// spec's codes and the token's (`-32005` to `-32007`) start with
            /// it, then a colon and the detail ([`ErrorObject::detailed`]);
            /// its messages for a function's failure name the function
            /// instead, and a function's `-32602` names the param.
            ///
            /// [`ErrorObject::detailed`]: crate::error::ErrorObject::detailed
            pub const fn message(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $meaning,)*
                }
            }
        }
    };
}

error_codes! {
    /// The body is not JSON.
    ParseError = -32700, "Parse error";
    /// Not a valid request object, or a body the router refuses whole.
    InvalidRequest = -32600, "Invalid Request";
    MethodNotFound = -32601, "Method not found";
    InvalidParams = -32602, "Invalid params";
    /// The router's configuration, or a call, went wrong inside.
    InternalError = -32603, "Internal error";
    /// The function trapped or answered a non-success status.
    FunctionFailed = -32000, "Function failed";
    /// The function did not answer within the call time limit.
    FunctionTimedOut = -32001, "Function timed out";
    /// The function answered something that is not the inner format.
    FunctionMalformed = -32002, "Function answer malformed";
    /// The function could not be reached at all.
    FunctionUnreachable = -32003, "Function unreachable";
    /// The function's answer was larger than the answer size limit.
    FunctionAnswerTooLarge = -32004, "Function answer too large";
    /// The request carries no valid bearer token, where the app requires one.
    Unauthorized = -32005, "Unauthorized";
    /// The method is outside the scope of the request's token.
    OutOfScope = -32006, "Method outside the token's scope";
    /// The call is over its token's rate limit; `data` says in how many
    /// milliseconds to retry.
    RateLimited = -32007, "Rate limit exceeded";
}

impl ErrorCode {
    /// The codes JSON-RPC reserves: a function's own codes are outside them.
    pub const RESERVED: RangeInclusive<i64> = -32768..=-32000;

    /// The number on the wire.
    pub const fn code(self) -> i64 {
        self as i64
    }

    /// The HTTP status of a request answered with this error alone, where
    /// the code implies one; the others' status depends on why (a `-32600`
    /// may be a 405, a 408 or a 413; a `-32603` a 500 or a 503).
    pub const fn http_status(self) -> Option<u16> {
        match self {
            ErrorCode::Unauthorized => Some(401),
            ErrorCode::RateLimited => Some(429),
            _ => None,
        }
    }
}

impl From<ErrorCode> for i64 {
    fn from(code: ErrorCode) -> i64 {
        code.code()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/protocol.md's error table lists exactly these codes with these
    /// meanings, in this order, and a function's own codes outside the
    /// reserved range.
    #[test]
    fn the_contracts_error_table_is_the_list_of_codes() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.md");
        let doc = std::fs::read_to_string(path).expect("docs/protocol.md");
        let rows: Vec<[&str; 3]> = doc
            .lines()
            .skip_while(|line| !line.starts_with("| code | meaning |"))
            .skip(2)
            .take_while(|line| line.starts_with('|'))
            .map(|row| {
                let mut cells = row.split(" | ").map(|cell| cell.trim_matches(['|', ' ']));
                [(); 3].map(|()| cells.next().unwrap_or_default())
            })
            .collect();
        let listed: Vec<(String, &str)> = rows
            .iter()
            .filter(|[code, ..]| *code != "any other")
            .map(|[code, meaning, _]| ((*code).to_owned(), *meaning))
            .collect();
        let codes: Vec<(String, &str)> = ErrorCode::ALL
            .iter()
            .map(|code| (format!("`{}`", code.code()), code.message()))
            .collect();
        assert_eq!(listed, codes);
        let (start, end) = (ErrorCode::RESERVED.start(), ErrorCode::RESERVED.end());
        let own = rows.iter().find(|[code, ..]| *code == "any other");
        assert!(
            own.is_some_and(|[_, _, when]| when.contains(&format!("`{start}..={end}`"))),
            "a function's own codes: {own:?}"
        );
    }

    #[test]
    fn every_code_is_reserved_by_json_rpc_and_told_apart() {
        for (i, code) in ErrorCode::ALL.iter().enumerate() {
            assert!(ErrorCode::RESERVED.contains(&code.code()), "{code:?}");
            let same = ErrorCode::ALL[..i].iter().find(|c| c.code() == code.code());
            assert_eq!(same, None, "{code:?}");
        }
    }
}
