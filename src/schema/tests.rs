use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use super::*;

fn registry() -> SchemaRegistry {
    SchemaRegistry::builtin().expect("builtin schemas load")
}

/// A fresh empty folder under the system temp dir.
fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "tgconform-schema-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

fn setting() -> Value {
    json!({"isRelatedTenantsEnabled": true, "canReceiveInvitations": false})
}

#[test]
fn builtin_embeds_every_file_of_the_schemas_folder() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("schemas/")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let p = e.path();
            (p.extension()? == "json").then(|| p.file_stem()?.to_str().map(str::to_string))?
        })
        .collect();
    on_disk.sort();
    assert_eq!(registry().type_names(), on_disk);
}

#[test]
fn from_dir_loads_the_same_types_as_builtin() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let from_dir = SchemaRegistry::from_dir(&dir).expect("from_dir");
    assert_eq!(from_dir.type_names(), registry().type_names());
}

#[test]
fn every_scenario_type_is_known() {
    let r = registry();
    for t in [
        "governanceInvitation",
        "governancePolicyTemplate",
        "governanceRelationship",
        "governanceRequest",
        "graphError",
        "relatedTenant",
        "relatedTenantsRefreshStatus",
        "tenantGovernanceSetting",
        "governanceInvitation[]",
        "governancePolicyTemplate[]",
        "governanceRelationship[]",
        "governanceRequest[]",
        "relatedTenant[]",
    ] {
        assert!(r.contains(t), "{t}");
    }
}

#[test]
fn strict_mode_makes_an_unknown_property_a_violation() {
    let mut v = setting();
    v["surprise"] = json!(1);
    let out = registry()
        .validate("tenantGovernanceSetting", &v, SchemaMode::Strict)
        .expect("known type");
    assert_eq!(out.violations.len(), 1, "{out:?}");
    assert!(out.warnings.is_empty());
    let issue = &out.violations[0];
    assert_eq!(issue.instance_path, "/surprise");
    assert_eq!(issue.rule, "additionalProperties");
    assert_eq!(
        issue.schema_path,
        "tenantGovernanceSetting.json#/additionalProperties"
    );
}

#[test]
fn lenient_mode_makes_an_unknown_property_a_warning() {
    let mut v = setting();
    v["surprise"] = json!(1);
    let out = registry()
        .validate("tenantGovernanceSetting", &v, SchemaMode::Lenient)
        .expect("known type");
    assert!(out.is_valid(), "{out:?}");
    assert_eq!(out.warnings.len(), 1);
    assert_eq!(out.warnings[0].instance_path, "/surprise");
}

#[test]
fn lenient_mode_still_fails_a_real_violation() {
    let mut v = setting();
    v["surprise"] = json!(1);
    v["canReceiveInvitations"] = json!("no");
    let out = registry()
        .validate("tenantGovernanceSetting", &v, SchemaMode::Lenient)
        .expect("known type");
    assert_eq!(out.violations.len(), 1);
    assert_eq!(out.violations[0].instance_path, "/canReceiveInvitations");
    assert_eq!(out.violations[0].rule, "type");
    assert_eq!(out.warnings.len(), 1);
}

#[test]
fn lenient_warning_inside_a_nullable_nested_object_stays_a_warning() {
    let mut v: Value = serde_json::from_str(include_str!(
        "../../tests/fixtures/examples/relatedTenant-get-response.json"
    ))
    .expect("fixture");
    v["b2BRegistrationMetrics"]["recent"]["newCounter"] = json!(3);
    let r = registry();
    let lenient = r
        .validate("relatedTenant", &v, SchemaMode::Lenient)
        .expect("known type");
    assert!(lenient.is_valid(), "{lenient:?}");
    assert_eq!(
        lenient.warnings[0].instance_path,
        "/b2BRegistrationMetrics/recent/newCounter"
    );
    let strict = r
        .validate("relatedTenant", &v, SchemaMode::Strict)
        .expect("known type");
    assert_eq!(strict.violations.len(), 1);
}

/// The registry with one property the metadata declares for `type_name`.
fn with_known(type_name: &str, property: &str) -> SchemaRegistry {
    let mut known = MetadataProperties::new();
    known.insert(
        (type_name.to_string(), property.to_string()),
        "Edm.String".to_string(),
    );
    registry().with_metadata(known)
}

#[test]
fn a_metadata_known_unknown_property_is_drift_not_a_violation_in_strict_mode() {
    let mut v = setting();
    v["surprise"] = json!("x");
    let out = with_known("tenantGovernanceSetting", "surprise")
        .validate("tenantGovernanceSetting", &v, SchemaMode::Strict)
        .expect("known type");
    assert!(out.is_valid(), "{out:?}");
    assert_eq!(
        out.drift[0].message,
        "drift: tenantGovernanceSetting.surprise (Edm.String) is in Microsoft's metadata but not in the documented schema"
    );
}

#[test]
fn a_metadata_known_property_is_drift_not_a_lenient_warning() {
    let mut v = setting();
    v["surprise"] = json!("x");
    let out = with_known("tenantGovernanceSetting", "surprise")
        .validate("tenantGovernanceSetting", &v, SchemaMode::Lenient)
        .expect("known type");
    assert_eq!((out.warnings.len(), out.drift.len()), (0, 1), "{out:?}");
}

#[test]
fn metadata_of_another_type_does_not_excuse_an_unknown_property() {
    let mut v = setting();
    v["surprise"] = json!("x");
    let out = with_known("relatedTenant", "surprise")
        .validate("tenantGovernanceSetting", &v, SchemaMode::Strict)
        .expect("known type");
    assert_eq!(out.violations.len(), 1, "{out:?}");
}

#[test]
fn metadata_known_property_deep_in_a_collection_is_drift_at_its_path() {
    let mut v: Value = serde_json::from_str(include_str!(
        "../../tests/fixtures/examples/relatedTenant-get-response.json"
    ))
    .expect("fixture");
    v["b2BRegistrationMetrics"]["investigationHints"] = json!([]);
    let out = with_known("b2bRegistrationMetrics", "investigationHints")
        .validate("relatedTenant", &v, SchemaMode::Strict)
        .expect("known type");
    assert!(out.is_valid(), "{out:?}");
    assert_eq!(
        out.drift[0].instance_path,
        "/b2BRegistrationMetrics/investigationHints"
    );
}

#[test]
fn odata_annotations_are_always_allowed() {
    let mut v = setting();
    v["@odata.context"] = json!("https://graph.microsoft.com/beta/$metadata#x");
    v["@odata.etag"] = json!("W/\"1\"");
    v["canReceiveInvitations@odata.type"] = json!("#Boolean");
    let out = registry()
        .validate("tenantGovernanceSetting", &v, SchemaMode::Strict)
        .expect("known type");
    assert!(out.is_valid() && out.warnings.is_empty(), "{out:?}");
}

#[test]
fn a_foreign_odata_type_is_a_violation() {
    let mut v = setting();
    v["@odata.type"] = json!("#microsoft.graph.tenantGovernanceSetting");
    let out = registry()
        .validate("tenantGovernanceSetting", &v, SchemaMode::Lenient)
        .expect("known type");
    assert_eq!(out.violations.len(), 1);
    assert_eq!(out.violations[0].instance_path, "/@odata.type");
    assert_eq!(out.violations[0].rule, "const");
}

#[test]
fn collection_checks_the_envelope_and_each_item_with_its_path() {
    let r = registry();
    let ok = json!({"@odata.context": "x", "value": [setting(), setting()],
        "@odata.nextLink": "https://graph.microsoft.com/beta/next?$skiptoken=a"});
    assert!(
        r.validate("tenantGovernanceSetting[]", &ok, SchemaMode::Strict)
            .expect("known")
            .is_valid()
    );
    let bad = json!({"value": [setting(), {"canReceiveInvitations": true}]});
    let out = r
        .validate("tenantGovernanceSetting[]", &bad, SchemaMode::Strict)
        .expect("known");
    assert_eq!(out.violations.len(), 1, "{out:?}");
    assert_eq!(out.violations[0].instance_path, "/value/1");
    assert_eq!(out.violations[0].rule, "required");
    assert!(
        out.violations[0]
            .message
            .contains("isRelatedTenantsEnabled")
    );
}

#[test]
fn collection_without_value_or_with_a_bad_next_link_is_rejected() {
    let r = registry();
    let out = r
        .validate("governanceRequest[]", &json!({}), SchemaMode::Strict)
        .expect("known");
    assert_eq!(out.violations[0].rule, "required");
    let out = r
        .validate(
            "governanceRequest[]",
            &json!({"value": [], "@odata.nextLink": "not a uri"}),
            SchemaMode::Strict,
        )
        .expect("known");
    assert_eq!(out.violations[0].instance_path, "/@odata.nextLink");
    assert_eq!(out.violations[0].rule, "format");
}

#[test]
fn an_item_type_is_not_a_collection() {
    let out = registry()
        .validate(
            "tenantGovernanceSetting",
            &json!({"value": [setting()]}),
            SchemaMode::Strict,
        )
        .expect("known");
    assert!(!out.is_valid());
}

#[test]
fn the_envelopes_have_no_collection_form() {
    let r = registry();
    assert!(!r.contains("graphError[]"));
    assert!(matches!(
        r.validate("graphError[]", &json!({"value": []}), SchemaMode::Strict),
        Err(SchemaError::NotACollection(_))
    ));
}

#[test]
fn unknown_type_is_an_error() {
    let r = registry();
    assert!(!r.contains("governanceThing"));
    assert!(matches!(
        r.validate("governanceThing", &json!({}), SchemaMode::Strict),
        Err(SchemaError::UnknownType(t)) if t == "governanceThing"
    ));
    assert!(matches!(
        r.validate(
            "governanceThing[]",
            &json!({"value": []}),
            SchemaMode::Strict
        ),
        Err(SchemaError::UnknownType(_))
    ));
}

#[test]
fn a_missing_ref_file_is_a_start_up_error() {
    let dir = temp_dir("missing-ref");
    std::fs::write(
        dir.join("a.json"),
        r#"{"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://tgconform.dev/schemas/a.json",
            "properties": {"b": {"$ref": "https://tgconform.dev/schemas/b.json"}}}"#,
    )
    .expect("write");
    let err = SchemaRegistry::from_dir(&dir).expect_err("b.json is missing");
    assert!(matches!(err, SchemaError::Reference { .. }), "{err:?}");
    assert!(err.to_string().contains("b.json"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_missing_ref_fragment_is_a_start_up_error() {
    let dir = temp_dir("missing-fragment");
    std::fs::write(
        dir.join("a.json"),
        r##"{"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://tgconform.dev/schemas/a.json",
            "properties": {"b": {"$ref": "#/$defs/nothing"}}}"##,
    )
    .expect("write");
    let err = SchemaRegistry::from_dir(&dir).expect_err("#/$defs/nothing is missing");
    assert!(err.to_string().contains("nothing"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_that_is_not_json_or_has_no_id_is_a_start_up_error() {
    let dir = temp_dir("bad-files");
    std::fs::write(dir.join("a.json"), "{").expect("write");
    assert!(matches!(
        SchemaRegistry::from_dir(&dir),
        Err(SchemaError::Parse { .. })
    ));
    std::fs::write(dir.join("a.json"), r#"{"type": "object"}"#).expect("write");
    assert!(matches!(
        SchemaRegistry::from_dir(&dir),
        Err(SchemaError::MissingId { .. })
    ));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(matches!(
        SchemaRegistry::from_dir(&dir),
        Err(SchemaError::Io { .. })
    ));
}

#[test]
fn date_times_are_asserted_and_string_ids_need_no_guid_form() {
    let r = registry();
    let inv = json!({
        "id": "x", "governingTenantId": "not-a-guid", "governingTenantName": null,
        "governedTenantId": "bbbbcccc-1111-dddd-2222-eeee3333ffff", "governedTenantName": "F",
        "createdDateTime": "yesterday", "expirationDateTime": "2026-01-31T18:25:09.4212828Z"
    });
    let out = r
        .validate("governanceInvitation", &inv, SchemaMode::Strict)
        .expect("known");
    let paths: Vec<(&str, &str)> = out
        .violations
        .iter()
        .map(|v| (v.instance_path.as_str(), v.rule.as_str()))
        .collect();
    // Ids are documented as String: a non-GUID id is accepted (GRAPH-STRING-IDS-ARE-GUIDS
    // is inferred), a date-time that is not one is not.
    assert_eq!(paths, vec![("/createdDateTime", "format")]);
}

#[test]
fn graph_error_date_has_no_time_zone_and_inner_error_is_optional() {
    let r = registry();
    let good = json!({"error": {"code": "Request_ResourceNotFound", "message": "gone",
        "innerError": {"date": "2026-11-24T10:00:00", "request-id": "0b7e9a1c-0000-4000-8000-000000000000",
        "client-request-id": "anything"}}});
    assert!(
        r.validate("graphError", &good, SchemaMode::Strict)
            .expect("known")
            .is_valid()
    );
    let bad = json!({"error": {"code": "", "message": "gone",
        "innerError": {"date": "Tuesday", "request-id": "r1"}}});
    let out = r
        .validate("graphError", &bad, SchemaMode::Strict)
        .expect("known");
    let paths: Vec<&str> = out
        .violations
        .iter()
        .map(|v| v.instance_path.as_str())
        .collect();
    assert_eq!(paths, vec!["/error/code", "/error/innerError/date"]);
    let bare = json!({"error": {"code": "Forbidden", "message": "no"}});
    assert!(
        r.validate("graphError", &bare, SchemaMode::Strict)
            .expect("known")
            .is_valid(),
        "Graph documents innerError as optional"
    );
}

#[test]
fn snapshot_role_assignment_accepts_both_documented_forms_but_not_neither() {
    let r = registry();
    let roles = json!([{"id": "f2ef992c-3afb-46b9-b7cf-a126ee74c451", "name": "Global Reader"}]);
    let t = "delegatedAdministrationRoleAssignmentSnapshot";
    let by_id = json!({"groupId": "ffffffff-5555-6666-7777-aaaaaaaaaaaa", "groupDisplayName": "G", "roleTemplates": roles});
    let by_group =
        json!({"group": {"id": "ffffffff-5555-6666-7777-aaaaaaaaaaaa"}, "roleTemplates": roles});
    let neither = json!({"roleTemplates": roles});
    assert!(
        r.validate(t, &by_id, SchemaMode::Strict)
            .expect("k")
            .is_valid()
    );
    assert!(
        r.validate(t, &by_group, SchemaMode::Strict)
            .expect("k")
            .is_valid()
    );
    let out = r.validate(t, &neither, SchemaMode::Strict).expect("k");
    assert_eq!(out.violations.len(), 1);
    assert_eq!(out.violations[0].rule, "anyOf");
}

#[test]
fn partial_validation_ignores_missing_top_level_properties_only() {
    let r = registry();
    let body = json!({"status": "accepted"});
    assert!(
        r.validate_partial("governanceRequest", &body, SchemaMode::Strict)
            .expect("k")
            .is_valid()
    );
    assert!(
        !r.validate("governanceRequest", &body, SchemaMode::Strict)
            .expect("k")
            .is_valid()
    );
    let bad = json!({"status": "Accepted"});
    assert!(
        !r.validate_partial("governanceRequest", &bad, SchemaMode::Strict)
            .expect("k")
            .is_valid()
    );
}

#[test]
fn display_names_instance_path_schema_path_and_rule() {
    let out = registry()
        .validate(
            "governanceRelationship",
            &json!({"status": "Active"}),
            SchemaMode::Strict,
        )
        .expect("known");
    let enum_issue = out
        .violations
        .iter()
        .find(|v| v.rule == "enum")
        .expect("an enum violation");
    let shown = enum_issue.to_string();
    assert!(shown.contains("/status"), "{shown}");
    assert!(shown.contains("relationshipStatus.json#/enum"), "{shown}");
    assert!(shown.contains("`enum`"), "{shown}");
    let root = out
        .violations
        .iter()
        .find(|v| v.rule == "required")
        .expect("a required violation");
    assert!(root.to_string().starts_with("at (root): "), "{root}");
}

#[test]
fn properties_and_odata_type_lookup_serve_coverage() {
    let r = registry();
    let props = r.properties("governanceRequest");
    assert_eq!(props.len(), 9);
    assert!(props.iter().all(|p| !p.starts_with('@')));
    assert_eq!(r.properties("governanceRequest[]"), props);
    assert!(r.properties("requestStatus").is_empty());
    assert_eq!(
        r.type_for_odata_type("#microsoft.graph.tenantGovernanceServices.governanceRequest"),
        Some("governanceRequest")
    );
    assert_eq!(r.type_for_odata_type("#microsoft.graph.group"), None);
    assert_eq!(
        r.enum_members("requestStatus"),
        Some(vec![
            "pending".to_string(),
            "accepted".into(),
            "rejected".into(),
            "unknownFutureValue".into()
        ])
    );
    assert_eq!(r.kind("relatedTenant[]"), Some(TypeKind::Entity));
}

#[test]
fn enums_match_the_contract_module() {
    let r = registry();
    for (name, members) in crate::contract::enums::ALL {
        let got = r.enum_members(name).expect("enum schema");
        assert_eq!(got, members.to_vec(), "{name}");
    }
}

#[test]
fn registry_is_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<SchemaRegistry>();
    let r = registry();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let r = r.clone();
            std::thread::spawn(move || {
                r.validate("tenantGovernanceSetting", &setting(), SchemaMode::Strict)
                    .map(|o| o.is_valid())
                    .unwrap_or(false)
            })
        })
        .collect();
    for h in handles {
        assert!(h.join().expect("thread"));
    }
    assert!(Arc::ptr_eq(&r.inner, &r.clone().inner));
}

#[test]
fn builtin_type_names_are_the_compiled_registrys_type_names() {
    assert_eq!(
        SchemaRegistry::builtin_type_names(),
        registry().type_names()
    );
}
