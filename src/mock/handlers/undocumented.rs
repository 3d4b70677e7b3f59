//! Methods the docs do not list (`GRAPH-UNDOCUMENTED-METHOD`): the mock answers them
//! with Graph's 405 or 400 (`no_route`). The faults here are the realistic ways a
//! service gets that wrong: a withdraw it does not document, a silent PATCH, a delete
//! of a relationship, or a 404 for a path that exists.

use std::borrow::Cow;

use super::{App, Reply, no_route, not_found};
use crate::contract;
use crate::mock::decisions::Decision;
use crate::mock::errors::GraphError;
use crate::mock::faults::Fault;
use crate::mock::store::{RelationshipStatus, Shared};

const ROOT: [&str; 2] = ["directory", "tenantGovernance"];

impl App {
    /// The answer to a method no documented operation offers at this path.
    pub(super) fn undocumented(
        &self,
        tid: &str,
        method: &str,
        segments: &[Cow<'_, str>],
    ) -> Result<Reply, GraphError> {
        let f = self.faults;
        // The root is documented (entity `tenantGovernance`) but offers no method.
        let root = contract::is_root(segments);
        let known = root || !contract::allowed_methods(segments).is_empty();
        let under_root =
            segments.len() == 4 && segments[..2].iter().zip(ROOT).all(|(s, r)| s.as_ref() == r);
        let (set, id) = if under_root {
            (segments[2].as_ref(), segments[3].as_ref())
        } else {
            ("", "")
        };
        match (method, set) {
            ("DELETE", "governanceRequests") if f.has(Fault::RequestDeleteWithdraws) => {
                let mut store = self.lock();
                if !store.requests.get(id).is_some_and(|r| r.is_party(tid)) {
                    return Err(not_found("governance request", id, f));
                }
                store.requests.remove(id);
                for t in store.tenants.values_mut() {
                    t.requests.retain(|r| r != id);
                }
                Ok(Reply::no_content())
            }
            ("PATCH", "governanceInvitations") if f.has(Fault::InvitationPatchAllowed) => {
                let store = self.read();
                match store.invitations.get(id) {
                    Some(i) if i.is_party(tid) => Ok(Reply {
                        status: 200,
                        body: Some(serde_json::Value::Object(self.render(&store).invitation(i))),
                        location: None,
                    }),
                    _ => Err(not_found("governance invitation", id, f)),
                }
            }
            ("DELETE", "governanceRelationships") if f.has(Fault::RelationshipDeleteAllowed) => {
                let mut store = self.lock();
                match store.relationships.get_mut(id) {
                    Some(r) if r.is_party(tid) => {
                        r.status = RelationshipStatus::Terminated;
                        Ok(Reply::no_content())
                    }
                    _ => Err(not_found("governance relationship", id, f)),
                }
            }
            _ if root && f.has(Fault::RootIsUnknownSegment) => Err(GraphError::bad_request(
                "Resource not found for the segment 'tenantGovernance'.",
            )),
            _ if f.has(Fault::UndocumentedMethod404) && known => Err(GraphError::not_found(
                format!("No resource was found that matches {method} on this path."),
            )),
            _ if self.decisions.has(Decision::UndocumentedMethod403) && known => Err(
                GraphError::forbidden(format!("{method} is not allowed on this resource.")),
            ),
            _ => Err(no_route(method, segments)),
        }
    }
}
