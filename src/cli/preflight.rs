//! Checks made before the first request, so a configuration error is exit 2 with
//! nothing sent: report files that cannot be written, actors without a token, and
//! scenarios that need the mock's clock on a target that does not offer it.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use crate::endpoint::{TokenCache, TokenError, TokenSpec};
use crate::plan::PlannedScenario;
use crate::scenario::Need;

/// `--json` and `--junit` paths: `Ok(true)` when one of them is `-` (stdout). A path
/// that cannot be written is an error now, not after every scenario ran.
pub(crate) fn report_paths(json: Option<&Path>, junit: Option<&Path>) -> Result<bool, String> {
    let stdout = |p: Option<&Path>| p.is_some_and(|p| p == Path::new("-"));
    if stdout(json) && stdout(junit) {
        return Err("--json - and --junit - cannot both write to stdout".into());
    }
    for (flag, path) in [("--json", json), ("--junit", junit)] {
        if let Some(p) = path
            && p != Path::new("-")
        {
            writable(p).map_err(|e| format!("{flag} {}: {e}", p.display()))?;
        }
    }
    Ok(stdout(json) || stdout(junit))
}

/// Opens the file for appending (creating it, and removing it again if it was not
/// there): the same checks the write at the end will meet.
pub(crate) fn writable(path: &Path) -> Result<(), String> {
    if path.is_dir() {
        return Err("this is a folder; name a file".into());
    }
    let existed = path.exists();
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| format!("cannot write there: {e}"))?;
    if !existed {
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}

/// Fetch the token of every actor the planned scenarios use whose token comes from an
/// environment variable or a command; one error per actor that gets none.
pub(crate) fn tokens(planned: &[PlannedScenario], cache: &TokenCache) -> Vec<TokenError> {
    let mut needed: BTreeMap<&str, &TokenSpec> = BTreeMap::new();
    for p in planned.iter().filter(|p| p.skip.is_none()) {
        for (name, a) in &p.actors.actors {
            if a.minted.is_none() && !matches!(a.token, TokenSpec::Mock(_)) {
                needed.entry(name.as_str()).or_insert(&a.token);
            }
        }
    }
    if needed.is_empty() {
        return Vec::new();
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            return vec![TokenError::Command {
                actor: needed.keys().next().copied().unwrap_or("").to_string(),
                reason: format!("cannot start the async runtime: {e}"),
            }];
        }
    };
    runtime.block_on(async {
        let fetches = needed
            .iter()
            .map(|(name, spec)| cache.token(name, spec))
            .collect::<Vec<_>>();
        futures_util::future::join_all(fetches)
            .await
            .into_iter()
            .filter_map(Result::err)
            .collect()
    })
}

/// Scenarios that need the mock's clock or its tenant creation (`needs: [clock]`,
/// `needs: [add-on-tenants]`) drive the mock's control endpoints. A target that does
/// not answer `GET /_mock/clock` (e.g. `tgconform serve` without `--control`) cannot
/// run them: they are skipped with the reason, not failed.
pub(crate) fn skip_without_mock_control(
    planned: &mut [PlannedScenario],
    base_url: &str,
    timeout: Duration,
) {
    let needs = |p: &PlannedScenario| {
        p.skip.is_none() && (p.meta().needs(Need::Clock) || p.meta().needs(Need::AddOnTenants))
    };
    if !planned.iter().any(needs) {
        return;
    }
    let Err(why) = probe_mock_clock(base_url, timeout) else {
        return;
    };
    let reason = format!(
        "needs the mock's control endpoints, which the target does not offer ({why}); start the mock with `tgconform serve --control`"
    );
    for p in planned.iter_mut().filter(|p| needs(p)) {
        p.skip = Some(reason.clone());
    }
}

/// `GET {origin}/_mock/clock`: `Ok` when it answers 2xx.
fn probe_mock_clock(base_url: &str, timeout: Duration) -> Result<(), String> {
    let origin = crate::runner::origin_of(base_url).unwrap_or(base_url);
    let url = format!("{origin}/_mock/clock");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let status = runtime.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("tgconform/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        client
            .get(&url)
            .send()
            .await
            .map(|r| r.status())
            .map_err(|e| format!("GET {url} failed: {e}"))
    })?;
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("GET {url} answered {}", status.as_u16()))
    }
}
