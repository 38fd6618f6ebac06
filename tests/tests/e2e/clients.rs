//! Clients the app must serve unchanged: `echo` called on `/rpc/1` with its
//! argument as a string (as clients written for the demo this app replaces
//! call it), and jsonrpsee, a JSON-RPC client from the ecosystem.

use crate::checks::*;
use crate::{Case, Servers};
use harness::client::post;
use libtest_mimic::Failed;
use serde_json::json;

pub const CASES: &[(&str, Case)] = cases![seed_echo_calls_on_rpc_1, jsonrpsee_client_interop,];

fn seed_echo_calls_on_rpc_1(servers: &Servers) -> Result<(), Failed> {
    for (function, result) in [("double", 20), ("triple", 30)] {
        let body = json!({
            "jsonrpc": "2.0", "method": "echo", "id": 1,
            "params": {"Service Name": "wasm", "Type": "Execution", "Execution": {"FunctionName": function, "Argument": "10"}}
        });
        let reply = json_reply(&post(&servers.default.url("/rpc/1"), body.to_string()))?;
        expect_eq(reply["result"].clone(), json!({"Result": result}), function)?;
    }
    Ok(())
}

fn jsonrpsee_client_interop(servers: &Servers) -> Result<(), Failed> {
    use jsonrpsee::core::client::ClientT;
    use jsonrpsee::core::params::{ArrayParams, BatchRequestBuilder};
    use jsonrpsee::http_client::HttpClientBuilder;
    use jsonrpsee::rpc_params;

    let url = servers.default.url("/rpc");
    with_jsonrpsee(async {
        let client = HttpClientBuilder::default().build(&url)?;
        let doubled: i64 = client.request("double", rpc_params![21]).await?;
        expect_eq(doubled, 42, "double via jsonrpsee")?;
        let tripled: i64 = client.request("triple", rpc_params!["5"]).await?;
        expect_eq(tripled, 15, "triple via jsonrpsee")?;
        let unknown = client
            .request::<i64, ArrayParams>("nope", rpc_params![1])
            .await;
        let code = call_error_code(&unknown);
        expect_eq(code, Some(-32601), "an unknown method via jsonrpsee")?;

        let mut batch = BatchRequestBuilder::new();
        batch.insert("double", rpc_params![1])?;
        batch.insert("triple", rpc_params![2])?;
        batch.insert("double", rpc_params![1.5])?;
        let responses = client.batch_request::<i64>(batch).await?;
        let outcomes: Vec<Result<i64, i32>> = responses
            .into_iter()
            .map(|r| r.map_err(|error| error.code()))
            .collect();
        expect_eq(
            outcomes,
            vec![Ok(2), Ok(6), Err(-32602)],
            "a batch via jsonrpsee",
        )
    })
}
