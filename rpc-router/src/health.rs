//! `GET /health`: the router answers by itself, calling no function and
//! reading no variable, so a probe (SpinKube's liveness and readiness
//! checks) costs one small instance and says whether the app still serves.

use crate::app::AppInfo;
use crate::reply::Reply;

/// The route of the health check, in `spin.toml` and here.
pub const PATH: &str = "/health";

/// The answer to a request on the health route.
pub fn reply(is_get: bool, info: &AppInfo) -> Reply {
    if !is_get {
        return Reply::method_not_allowed("GET");
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
        let reply = reply(true, &info());
        assert_eq!(reply.status(), 200);
        let body: serde_json::Value = serde_json::from_slice(&reply.into_body().unwrap()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"status": "ok", "name": "app", "version": "1.2.3"})
        );
    }

    #[test]
    fn other_methods_get_405_naming_get() {
        let reply = reply(false, &info());
        assert_eq!(reply, Reply::method_not_allowed("GET"));
    }
}
