//! `GET /health`: the router answers by itself, calling no function, so a
//! probe costs one small instance. It reads the router's configuration as a
//! request to `/rpc` does, and answers 503 when it cannot: a replica that
//! would refuse every call (its variables provider down) is taken out of
//! service by a readiness check.

use crate::app::AppInfo;
use crate::jsonrpc::ErrorObject;
use crate::reply::Reply;

/// The route of the health check, in `spin.toml` and here.
pub const PATH: &str = "/health";

/// The answer to a request on the health route, given whether the router's
/// configuration could be read (and if not, why).
pub fn reply(is_get: bool, info: &AppInfo, configured: Result<(), String>) -> Reply {
    if !is_get {
        return Reply::method_not_allowed("GET");
    }
    if let Err(problem) = configured {
        return Reply::refusal(503, ErrorObject::internal_error(problem));
    }
    let body = serde_json::json!({
        "status": "ok",
        "name": info.title,
        "version": info.version,
    });
    Reply::Json(body.to_string().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> AppInfo {
        AppInfo {
            title: "app".into(),
            version: "1.2.3".into(),
        }
    }

    #[test]
    fn get_answers_a_small_json_body() {
        let reply = reply(true, &info(), Ok(()));
        assert_eq!(reply.status(), 200);
        let body: serde_json::Value = serde_json::from_slice(&reply.into_body().unwrap()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"status": "ok", "name": "app", "version": "1.2.3"})
        );
    }

    #[test]
    fn other_methods_get_405_naming_get() {
        let reply = reply(false, &info(), Ok(()));
        assert_eq!(reply, Reply::method_not_allowed("GET"));
    }

    #[test]
    fn a_configuration_that_cannot_be_read_is_503() {
        let reply = reply(true, &info(), Err("variable settings: no".into()));
        assert_eq!(reply.status(), 503);
        let body = String::from_utf8(reply.into_body().unwrap()).unwrap();
        assert!(
            body.contains("-32603") && body.contains("variable settings"),
            "{body}"
        );
    }
}
