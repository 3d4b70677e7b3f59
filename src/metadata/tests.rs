use super::*;

const AUGUST: &str = include_str!("../../tests/fixtures/metadata/beta-2026-08.xml");

#[test]
fn dump_august() {
    let md = parse(AUGUST).expect("parses");
    let s = SchemaSet::builtin().expect("schemas");
    for d in diff(&md, &s) {
        eprintln!(
            "{:?} {} {} | {:?} | {:?} | {:?}",
            d.status,
            d.change.as_str(),
            d.location(),
            d.schema,
            d.metadata,
            d.kind
        );
    }
    let doc = generate(&s);
    eprintln!("{doc}");
    let back = parse(&doc).expect("generated parses");
    for d in diff(&back, &s) {
        eprintln!(
            "ROUNDTRIP {:?} {} {} | {:?} | {:?}",
            d.status,
            d.change.as_str(),
            d.location(),
            d.schema,
            d.metadata
        );
    }
}
