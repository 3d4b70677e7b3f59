use super::diff::Status;
use super::*;

const AUGUST: &str = include_str!("../../tests/fixtures/metadata/beta-2026-08.xml");
const OCTOBER: &str = include_str!("../../tests/fixtures/metadata/beta-2026-10.xml");

fn schemas() -> SchemaSet {
    SchemaSet::builtin().expect("builtin schemas parse")
}

fn csdl(xml: &str) -> Csdl {
    parse(xml).expect("the document parses")
}

/// `status change location` of every difference, in report order.
fn lines(differences: &[Difference]) -> Vec<String> {
    differences
        .iter()
        .map(|d| {
            let status = match d.status {
                Status::Drift => "drift",
                Status::Acknowledged => "known",
            };
            format!("{status} {} {}", d.change.as_str(), d.location())
        })
        .collect()
}

/// The generated document of the builtin schemas with one edit: what the service would
/// publish if it differed from the schemas in exactly that.
fn generated_with(from: &str, to: &str) -> Vec<String> {
    let doc = generate(&schemas());
    assert!(doc.contains(from), "the generated document has no `{from}`");
    lines(&diff(&csdl(&doc.replacen(from, to, 1)), &schemas()))
}

const AUGUST_BASELINE: &[&str] = &[
    "known type-added actionStep",
    "known type-added actionUrl",
    "known nullability-changed b2BSignInActivityMetrics.initial",
    "known property-added b2BSignInActivityMetrics.investigationHints",
    "known nullability-changed b2BSignInActivityMetrics.recent",
    "known nullability-changed b2bRegistrationMetrics.initial",
    "known property-added b2bRegistrationMetrics.investigationHints",
    "known nullability-changed b2bRegistrationMetrics.recent",
    "known type-renamed b2bRegistrationMetricsInitial → b2BRegistrationMetricsInitial",
    "known type-renamed b2bRegistrationMetricsRecent → b2BRegistrationMetricsRecent",
    "known nullability-changed billingMetrics.initial",
    "known property-added billingMetrics.investigationHints",
    "known nullability-changed billingMetrics.recent",
    "known property-removed delegatedAdministrationRoleAssignmentSnapshot.group",
    "known nullability-changed governanceInvitation.governedTenantName",
    "known nullability-changed governanceInvitation.governingTenantName",
    "known nullability-changed governancePolicyTemplate.governedTenantCanTerminate",
    "known nullability-changed governanceRelationship.governedTenantName",
    "known nullability-changed governanceRelationship.governingTenantName",
    "known property-added governanceRequest.governancePolicyTemplate",
    "known nullability-changed governanceRequest.governedTenantName",
    "known nullability-changed governanceRequest.governingTenantName",
    "known type-added longRunningOperation",
    "known type-added longRunningOperationStatus",
    "known nullability-changed multiTenantApplicationMetrics.initial",
    "known property-added multiTenantApplicationMetrics.investigationHints",
    "known nullability-changed multiTenantApplicationMetrics.recent",
    "known nullability-changed relatedTenantsRefreshStatus.mostRecentRefreshRequestStatus",
    "known nullability-changed relatedTenantsRefreshStatus.mostRecentRefreshTime",
    "known nullability-changed relationshipPolicy.governedTenantCanTerminate",
];

#[test]
fn august_metadata_gives_the_known_baseline() {
    assert_eq!(lines(&diff(&csdl(AUGUST), &schemas())), AUGUST_BASELINE);
}

#[test]
fn october_metadata_is_the_august_baseline_with_the_refresh_timestamp_renamed() {
    let mut expected: Vec<String> = AUGUST_BASELINE
        .iter()
        .filter(|l| !l.ends_with("relatedTenantsRefreshStatus.mostRecentRefreshTime"))
        .map(|l| l.to_string())
        .collect();
    expected.push(
        "drift property-renamed relatedTenantsRefreshStatus.mostRecentRefreshTime → mostRecentRefreshDateTime"
            .into(),
    );
    expected.sort_by_key(|l| l.split(' ').nth(2).map(str::to_string));
    let mut got = lines(&diff(&csdl(OCTOBER), &schemas()));
    got.sort_by_key(|l| l.split(' ').nth(2).map(str::to_string));
    assert_eq!(got, expected);
}

#[test]
fn the_generated_document_round_trips_without_a_difference() {
    let doc = generate(&schemas());
    assert_eq!(lines(&diff(&csdl(&doc), &schemas())), Vec::<String>::new());
}

#[test]
fn every_acknowledgement_matches_a_difference_of_the_august_metadata() {
    let found = diff(&csdl(AUGUST), &schemas());
    for (change, type_name, member) in acknowledged::entries() {
        assert!(
            found.iter().any(|d| d.change == change
                && d.type_name == type_name
                && d.member == member
                && d.status == Status::Acknowledged),
            "acknowledged but not found: {} {type_name}.{member:?}",
            change.as_str()
        );
    }
}

#[test]
fn aliases_are_resolved_in_property_types() {
    let md = csdl(AUGUST);
    let initial = md.types["b2bRegistrationMetrics"]
        .properties
        .iter()
        .find(|p| p.name == "initial")
        .map(|p| p.type_ref.clone());
    assert_eq!(
        initial.as_deref(),
        Some("microsoft.graph.tenantGovernanceServices.b2BRegistrationMetricsInitial")
    );
}

#[test]
fn derived_types_inherit_their_bases_properties_and_entity_gives_id() {
    let names: Vec<String> = csdl(AUGUST)
        .effective_properties("billingMetricsRecent")
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names.first().map(String::as_str), Some("id"));
    assert!(
        names.contains(&"localAssociatedTenantIds".to_string()),
        "{names:?}"
    );
    assert_eq!(names.last().map(String::as_str), Some("updateDateTime"));
}

#[test]
fn bound_operations_are_read_with_their_binding_and_return_type() {
    let md = csdl(AUGUST);
    let status = md
        .operations
        .iter()
        .find(|o| o.name == "refreshStatus")
        .map(CsdlOperation::describe);
    assert_eq!(
        status.as_deref(),
        Some(
            "function bound to Collection(tenantGovernanceServices.relatedTenant), returns tenantGovernanceServices.relatedTenantsRefreshStatus"
        )
    );
}

#[test]
fn a_property_only_the_metadata_has_is_drift() {
    assert_eq!(
        generated_with(
            "<Property Name=\"isFirstRefresh\"",
            "<Property Name=\"refreshCount\" Type=\"Edm.Int32\" /><Property Name=\"isFirstRefresh\""
        ),
        ["drift property-added relatedTenantsRefreshStatus.refreshCount"]
    );
}

#[test]
fn a_changed_property_type_is_drift() {
    assert_eq!(
        generated_with(
            "<Property Name=\"location\" Type=\"Edm.String\"",
            "<Property Name=\"location\" Type=\"Edm.Int64\""
        ),
        ["drift type-changed relatedTenantsRefreshRequest.location"]
    );
}

#[test]
fn a_date_time_where_the_schema_has_a_plain_string_is_a_type_change() {
    assert_eq!(
        generated_with(
            "<Property Name=\"mostRecentRefreshTime\" Type=\"Edm.String\"",
            "<Property Name=\"mostRecentRefreshTime\" Type=\"Edm.DateTimeOffset\""
        ),
        ["drift type-changed relatedTenantsRefreshStatus.mostRecentRefreshTime"]
    );
}

#[test]
fn a_property_that_stops_accepting_null_is_a_nullability_change() {
    assert_eq!(
        generated_with(
            "<Property Name=\"version\" Type=\"Edm.Int32\" />",
            "<Property Name=\"version\" Type=\"Edm.Int32\" Nullable=\"false\" />"
        ),
        ["drift nullability-changed relationshipPolicy.version"]
    );
}

#[test]
fn a_new_and_a_missing_enum_member_are_both_reported() {
    assert_eq!(
        generated_with(
            "<Member Name=\"addOnTenant\" Value=\"1\" />",
            "<Member Name=\"secureTenant\" Value=\"1\" />"
        ),
        [
            "drift enum-member-removed relationshipCreationType.addOnTenant",
            "drift enum-member-added relationshipCreationType.secureTenant",
        ]
    );
}

#[test]
fn a_type_the_metadata_lacks_is_removed() {
    let doc = generate(&schemas());
    let start = doc
        .find("<ComplexType Name=\"roleTemplate\">")
        .expect("roleTemplate");
    let end = start + doc[start..].find("</ComplexType>").expect("end") + "</ComplexType>".len();
    let edited = format!("{}{}", &doc[..start], &doc[end..]);
    let found = lines(&diff(&csdl(&edited), &schemas()));
    assert!(
        found.contains(&"drift type-removed roleTemplate".to_string()),
        "{found:?}"
    );
}

#[test]
fn an_entity_that_became_a_complex_type_is_a_kind_change() {
    assert_eq!(
        generated_with(
            "<EntityType Name=\"relatedTenantsRefreshRequest\" BaseType=\"graph.entity\">\n        <Property Name=\"location\" Type=\"Edm.String\" Nullable=\"false\" />\n      </EntityType>",
            "<ComplexType Name=\"relatedTenantsRefreshRequest\">\n        <Property Name=\"id\" Type=\"Edm.String\" Nullable=\"false\" />\n        <Property Name=\"location\" Type=\"Edm.String\" Nullable=\"false\" />\n      </ComplexType>"
        ),
        ["drift kind-changed relatedTenantsRefreshRequest"]
    );
}

#[test]
fn a_new_bound_operation_is_reported_with_its_binding() {
    let found = generated_with(
        "<Action Name=\"refresh\" IsBound=\"true\">",
        "<Action Name=\"archive\" IsBound=\"true\"><Parameter Name=\"bindingParameter\" Type=\"tenantGovernanceServices.governanceRelationship\" /></Action><Action Name=\"refresh\" IsBound=\"true\">",
    );
    assert_eq!(
        found,
        ["drift operation-added governanceRelationship.archive"]
    );
}

#[test]
fn a_bound_operation_the_metadata_lacks_is_removed() {
    let found = generated_with(
        "<Action Name=\"refresh\" IsBound=\"true\">",
        "<Action Name=\"refreshAll\" IsBound=\"true\">",
    );
    assert_eq!(
        found,
        [
            "drift operation-removed relatedTenant.refresh",
            "drift operation-added relatedTenant.refreshAll",
        ]
    );
}

#[test]
fn a_function_that_became_an_action_is_an_operation_change() {
    let doc = generate(&schemas());
    let edited = doc
        .replace(
            "<Function Name=\"refreshStatus\"",
            "<Action Name=\"refreshStatus\"",
        )
        .replace("</Function>", "</Action>");
    assert_eq!(
        lines(&diff(&csdl(&edited), &schemas())),
        ["drift operation-changed relatedTenant.refreshStatus"]
    );
}

#[test]
fn dissimilar_names_are_an_addition_and_a_removal_not_a_rename() {
    assert_eq!(
        generated_with(
            "<Property Name=\"location\"",
            "<Property Name=\"statusUrl\""
        ),
        [
            "drift property-removed relatedTenantsRefreshRequest.location",
            "drift property-added relatedTenantsRefreshRequest.statusUrl",
        ]
    );
}

#[test]
fn known_properties_use_the_schemas_type_names() {
    let known = known_properties(&csdl(AUGUST), &schemas());
    assert_eq!(
        known
            .get(&(
                "b2bRegistrationMetricsInitial".into(),
                "inboundTotalUsers".into()
            ))
            .map(String::as_str),
        Some("Edm.Decimal")
    );
}

#[test]
fn malformed_xml_is_an_error() {
    assert!(matches!(
        parse("<a><b></a>"),
        Err(MetadataError::Xml { .. })
    ));
}

#[test]
fn a_document_cut_short_is_an_error() {
    let cut = &AUGUST[..AUGUST.len() / 2];
    let cut = &cut[..cut.rfind('>').map_or(0, |i| i + 1)];
    assert!(matches!(parse(cut), Err(MetadataError::Xml { .. })));
}

#[test]
fn a_document_without_the_namespace_is_an_error() {
    assert!(matches!(
        parse("<Edmx><Schema Namespace=\"microsoft.graph\" /></Edmx>"),
        Err(MetadataError::NoNamespace { .. })
    ));
}

#[test]
fn display_type_uses_microsofts_aliases() {
    assert_eq!(
        display_type("Collection(microsoft.graph.tenantGovernanceServices.actionStep)"),
        "Collection(tenantGovernanceServices.actionStep)"
    );
    assert_eq!(display_type("microsoft.graph.group"), "graph.group");
    assert_eq!(display_type("Edm.String"), "Edm.String");
}
