//! Snapshots of what build.rs generates, so every change to generation shows in review.

#[test]
fn generated_client() {
    let code = include_str!(concat!(env!("OUT_DIR"), "/codegen.rs"));
    insta::assert_snapshot!(code);
}

#[test]
fn generated_operation_table() {
    let table = include_str!(concat!(env!("OUT_DIR"), "/operations.rs"));
    insta::assert_snapshot!(table);
}

#[test]
fn generated_dispatcher() {
    let dispatcher = include_str!(concat!(env!("OUT_DIR"), "/dispatch.rs"));
    insta::assert_snapshot!(dispatcher);
}
