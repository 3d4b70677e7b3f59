//! What a snapshot comparison may write: `--snapshots check|update|new`, insta's
//! `INSTA_UPDATE`, and `CI`.
//!
//! | `--snapshots` | `INSTA_UPDATE` | a difference | a missing snapshot |
//! |---|---|---|---|
//! | `check` (default) | unset, `auto`, `new` | fails; `.snap.new` written (not under CI) | fails; `.snap.new` written (not under CI) |
//! | — | `no` | fails; nothing written | fails; nothing written |
//! | `new` | `unseen` | fails; `.snap.new` written (not under CI) | recorded as `.snap`, passes |
//! | `update` | `always` | `.snap` overwritten, passes | recorded as `.snap`, passes |
//! | — | `force` | as `update`, and unchanged files are rewritten too (fresh headers) | as `update` |
//!
//! `--snapshots` wins over `INSTA_UPDATE`. Under CI (`CI` set to anything but empty,
//! `0` or `false`, or `TF_BUILD` set: insta's rule) no pending `.snap.new` file is ever
//! written; `update` and `new` still write `.snap` files because someone asked for them.

use std::str::FromStr;

/// The user's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Update {
    /// Compare; a difference or a missing snapshot fails.
    Check,
    /// Accept everything: write every new or changed snapshot.
    Update,
    /// Record missing snapshots; a difference still fails.
    New,
}

impl FromStr for Update {
    type Err = String;
    fn from_str(s: &str) -> Result<Update, String> {
        match s {
            "check" => Ok(Update::Check),
            "update" => Ok(Update::Update),
            "new" => Ok(Update::New),
            other => Err(format!(
                "`{other}` is not a snapshot mode: use check, update or new"
            )),
        }
    }
}

/// What a comparison does with a difference, a missing snapshot and pending files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub update: Update,
    /// Write `<stem>.snap.new` for a failing comparison.
    pub write_pending: bool,
    /// Rewrite even unchanged snapshots (refreshes their headers).
    pub force: bool,
}

impl Policy {
    /// Policy for `flag` (the `--snapshots` value, if given) in the process environment.
    pub fn from_env(flag: Option<Update>) -> Result<Policy, String> {
        Policy::resolve(flag, |k| std::env::var(k).ok())
    }

    /// As [`Policy::from_env`], with the environment as a function (for tests).
    pub fn resolve(
        flag: Option<Update>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Policy, String> {
        let ci = match env("CI").as_deref() {
            Some("" | "0" | "false") => false,
            Some(_) => true,
            None => env("TF_BUILD").is_some(),
        };
        let (update, pending, force) = match flag {
            Some(u) => (u, true, false),
            None => match env("INSTA_UPDATE").as_deref() {
                None | Some("" | "auto" | "new") => (Update::Check, true, false),
                Some("no") => (Update::Check, false, false),
                Some("unseen") => (Update::New, true, false),
                Some("always") => (Update::Update, true, false),
                Some("force") => (Update::Update, true, true),
                Some(other) => {
                    return Err(format!(
                        "INSTA_UPDATE=`{other}` is not one of auto, always, unseen, new, no, force"
                    ));
                }
            },
        };
        Ok(Policy {
            update,
            write_pending: pending && !ci,
            force,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)], flag: Option<Update>) -> Result<Policy, String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Policy::resolve(flag, move |k| {
            vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn the_default_checks_and_writes_pending_files_outside_ci() {
        assert_eq!(
            with(&[], None),
            Ok(Policy {
                update: Update::Check,
                write_pending: true,
                force: false
            })
        );
    }

    #[test]
    fn ci_never_writes_pending_files_whatever_the_mode() {
        for flag in [
            None,
            Some(Update::Check),
            Some(Update::New),
            Some(Update::Update),
        ] {
            let p = with(&[("CI", "true")], flag);
            assert_eq!(p.map(|p| p.write_pending), Ok(false), "{flag:?}");
        }
        assert_eq!(
            with(&[("TF_BUILD", "True")], None).map(|p| p.write_pending),
            Ok(false)
        );
        assert_eq!(
            with(&[("CI", "false")], None).map(|p| p.write_pending),
            Ok(true)
        );
    }

    #[test]
    fn insta_update_values_map_to_modes() {
        let mode = |v: &str| with(&[("INSTA_UPDATE", v)], None).map(|p| (p.update, p.force));
        assert_eq!(mode("always"), Ok((Update::Update, false)));
        assert_eq!(mode("unseen"), Ok((Update::New, false)));
        assert_eq!(mode("new"), Ok((Update::Check, false)));
        assert_eq!(mode("auto"), Ok((Update::Check, false)));
        assert_eq!(mode("force"), Ok((Update::Update, true)));
        assert_eq!(
            with(&[("INSTA_UPDATE", "no")], None).map(|p| p.write_pending),
            Ok(false)
        );
        assert!(mode("sometimes").is_err());
    }

    #[test]
    fn the_flag_wins_over_insta_update() {
        let p = with(&[("INSTA_UPDATE", "always")], Some(Update::Check));
        assert_eq!(p.map(|p| p.update), Ok(Update::Check));
    }

    #[test]
    fn flag_values_parse() {
        assert_eq!("new".parse::<Update>(), Ok(Update::New));
        assert!("accept".parse::<Update>().is_err());
    }
}
