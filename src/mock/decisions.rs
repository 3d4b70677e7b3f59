//! Decision switches: where the docs allow more than one answer, the mock picks one
//! (the decisions table in `docs/mock.md`); a decision switch makes it pick another
//! answer the docs allow just as well.
//!
//! A decision is not a fault. A fault breaks a rule, and `selftest` proves a scenario
//! notices. A decision breaks no documented or platform rule, so a documented-only run
//! (`--skip-tag inferred`) must pass with any decision on: `tests/decisions.rs` proves
//! that for each. Where an opinion of the catalogue (an `inferred` rule) prefers the
//! mock's default, the decision names it in `departs_from`, and the same test proves
//! that the full run notices, in a step that checks that rule. So each decision is a
//! plausible, correct service the suite must not fail.

/// Declares the catalogue once: variant, kebab-case name, one-line description, the
/// documented rules that leave room for it, and the inferred rules it departs from.
macro_rules! decisions {
    ($($variant:ident => $name:literal, $desc:literal,
        allowed_by: [$($allowed:literal),+ $(,)?],
        departs_from: [$($opinion:literal),* $(,)?];)*) => {
        /// One answer the docs allow, other than the mock's default.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Decision {
            $($variant),*
        }

        impl Decision {
            /// Every decision, in catalogue order.
            pub const ALL: &'static [Decision] = &[$(Decision::$variant),*];

            /// The kebab-case name used by `--decision`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Decision::$variant => $name),*
                }
            }

            /// What the mock does instead, in one line.
            pub fn description(self) -> &'static str {
                match self {
                    $(Decision::$variant => $desc),*
                }
            }

            /// The catalogue rules whose wording leaves room for this answer.
            pub fn allowed_by(self) -> &'static [&'static str] {
                match self {
                    $(Decision::$variant => &[$($allowed),+]),*
                }
            }

            /// Inferred rules (opinions) that prefer the mock's default answer.
            pub fn departs_from(self) -> &'static [&'static str] {
                match self {
                    $(Decision::$variant => &[$($opinion),*]),*
                }
            }

            /// The decision with this name, if any.
            pub fn from_name(name: &str) -> Option<Decision> {
                Decision::ALL.iter().copied().find(|d| d.name() == name)
            }
        }
    };
}

decisions! {
    OmitRoleAssignmentGroup => "omit-role-assignment-group",
        "template role assignments leave out the `group` navigation (Graph sends a navigation only when expanded) and carry `groupDisplayName` and `roleTemplates`",
        allowed_by: ["TYPE-ROLE-ASSIGNMENT-GROUP-NAVIGATION"],
        departs_from: ["TPL-GROUP-INLINE-READ"];
    UndocumentedMethod403 => "undocumented-method-403",
        "a method the docs do not list for a path is answered 403 Forbidden instead of 405",
        allowed_by: ["GRAPH-UNDOCUMENTED-METHOD"],
        departs_from: [];
    RefuseEmptyTemplate => "refuse-empty-template",
        "a template create with no application and no role assignment is refused with 400",
        allowed_by: ["TPL-CREATE-201"],
        departs_from: ["TPL-CREATE-EMPTY-ARRAYS"];
    TimestampsPlusZeroOffset => "timestamps-plus-zero-offset",
        "date-times end in +00:00 instead of Z (.NET's default DateTimeOffset format; still UTC)",
        allowed_by: ["GRAPH-UTC-TIMESTAMPS"],
        departs_from: ["GRAPH-UTC-Z"];
}

/// The decisions switched on for one mock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct DecisionSet(u64);

impl DecisionSet {
    pub fn new(decisions: &[Decision]) -> Self {
        DecisionSet(
            decisions
                .iter()
                .fold(0u64, |bits, d| bits | (1u64 << (*d as u32))),
        )
    }

    /// Whether `d` is on.
    pub fn has(self, d: Decision) -> bool {
        self.0 & (1u64 << (d as u32)) != 0
    }
}

const _: () = assert!(Decision::ALL.len() <= 64);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::rules::{Evidence, builtin};

    #[test]
    fn names_are_unique_and_round_trip() {
        for d in Decision::ALL {
            assert_eq!(Decision::from_name(d.name()), Some(*d));
        }
        let mut names: Vec<_> = Decision::ALL.iter().map(|d| d.name()).collect();
        names.dedup();
        assert_eq!(names.len(), Decision::ALL.len());
    }

    #[test]
    fn every_decision_names_rules_of_the_catalogue() {
        let c = match builtin() {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        for d in Decision::ALL {
            for id in d.allowed_by() {
                let r = c.get(id);
                assert!(r.is_some(), "{}: no rule {id}", d.name());
                assert!(
                    r.is_some_and(|r| r.evidence != Evidence::Inferred),
                    "{}: {id} is an opinion; `allowed_by` names the rules that leave room",
                    d.name()
                );
            }
            for id in d.departs_from() {
                assert!(
                    c.get(id).is_some_and(|r| r.evidence == Evidence::Inferred),
                    "{}: {id} is not an inferred rule of the catalogue",
                    d.name()
                );
            }
        }
    }

    #[test]
    fn a_set_holds_what_it_was_given() {
        let s = DecisionSet::new(&[Decision::RefuseEmptyTemplate]);
        assert!(s.has(Decision::RefuseEmptyTemplate));
        assert!(!s.has(Decision::UndocumentedMethod403));
    }
}
