//! The real Spin CLI, where there is one: named by `SPIN_BIN`, or `spin` on PATH.

use std::path::PathBuf;

/// The `spin` binary to use, if any.
pub fn find() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SPIN_BIN").filter(|path| !path.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("spin"))
        .find(|candidate| candidate.is_file())
}
