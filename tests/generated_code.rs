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

#[test]
fn generated_edits() {
    let edits = include_str!(concat!(env!("OUT_DIR"), "/edits.rs"));
    insta::assert_snapshot!(edits);
}

/// The simulator's side: each operation's input and one trait per tag.
#[test]
fn generated_simulator_interface() {
    let interface = include_str!(concat!(env!("OUT_DIR"), "/simulator.rs"));
    insta::assert_snapshot!(interface);
}

/// README's list of operations names every operation of the spec, and no other.
#[test]
fn readme_lists_every_operation() {
    let readme = include_str!("../README.md");
    let table = readme
        .split("### Operations")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").nth(2))
        .expect("README has an Operations table");
    let listed: std::collections::BTreeSet<&str> = table
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|name| name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .collect();
    let spec: std::collections::BTreeSet<&str> = huaweicloud_meeting::operations::operations()
        .iter()
        .map(|op| op.id)
        .collect();
    assert_eq!(
        listed.difference(&spec).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "README lists operations the spec lacks"
    );
    assert_eq!(
        spec.difference(&listed).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "operations of the spec README does not list"
    );
    assert!(readme.contains(&format!("({} operations)", spec.len())));
}

/// Each tag of the spec but `auth` is a cargo feature (its operation group), and
/// `all-operations` (on by default, and with the simulator) enables every group.
#[test]
fn every_tag_is_an_operation_group_feature() {
    let manifest = include_str!("../Cargo.toml");
    let features: Vec<&str> = manifest
        .split("[features]")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .expect("Cargo.toml has [features]")
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .collect();
    let feature = |name: &str| {
        features
            .iter()
            .find(|line| line.starts_with(&format!("{name} = ")))
            .copied()
    };
    let spec: serde_json::Value = serde_json::from_str(huaweicloud_meeting::OPENAPI_JSON).unwrap();
    let all = feature("all-operations").expect("an all-operations feature");
    for tag in spec["tags"].as_array().unwrap() {
        let tag = tag["name"].as_str().unwrap();
        if tag == "auth" {
            continue;
        }
        assert!(feature(tag).is_some(), "tag {tag} has no cargo feature");
        assert!(all.contains(&format!("\"{tag}\"")), "all-operations lacks {tag}");
    }
    assert!(feature("default").unwrap().contains("\"all-operations\""));
    assert!(feature("simulator").unwrap().contains("\"all-operations\""));
    // And every operation's tag is one of the spec's tags.
    let tags: Vec<&str> = spec["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    for op in huaweicloud_meeting::spec_model::Spec::new(&spec).operations() {
        let tag = op.tag().unwrap();
        assert!(tags.contains(&tag), "{}: tag {tag} is not declared", op.at());
    }
}
