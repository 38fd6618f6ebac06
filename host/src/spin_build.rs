//! What `spin build` does: run each component's `[component.x.build]`
//! command, in its `workdir` (default: the manifest's directory).

use crate::manifest::Manifest;
use anyhow::{bail, Context, Result};
use std::process::Command;

/// Runs every build command of the manifest, in order, stopping at the first failure.
pub fn build(manifest: &Manifest) -> Result<()> {
    for (id, component) in &manifest.components {
        let Some(build) = component.build.as_ref() else {
            continue;
        };
        let workdir = manifest
            .dir
            .join(build.workdir.as_deref().unwrap_or(".".as_ref()));
        eprintln!("Building component {id} with `{}`", build.command);
        let status = Command::new("sh")
            .arg("-c")
            .arg(&build.command)
            .current_dir(&workdir)
            .status()
            .with_context(|| format!("running the build command of {id:?}"))?;
        if !status.success() {
            bail!("the build command of component {id:?} failed ({status})");
        }
    }
    Ok(())
}
