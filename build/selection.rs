//! Operation selection by cargo feature: an operation is generated when the feature named
//! after its tag is enabled (`meetings`, `control`, ...), or when its tag is `auth` (what the
//! client itself calls). Components no kept operation reaches are left out, so a build with
//! fewer groups compiles less.

use std::collections::BTreeSet;

use serde_json::Value;

use super::spec_model::{METHODS, Spec, references};

/// The tag of the operations the client itself calls (authentication, meeting-control
/// tokens, sign-out): always compiled.
pub const CORE_TAG: &str = "auth";

/// The spec with only the operations whose group `enabled` says yes (the core group always),
/// and only the components they reach.
pub fn selected_groups(raw: &Value, enabled: impl Fn(&str) -> bool) -> Result<Value, String> {
    let spec = Spec::new(raw);
    let mut dropped = Vec::new();
    for op in spec.operations() {
        let tag = op
            .tag()
            .ok_or(format!("{}: an operation needs a tag (its group)", op.at()))?;
        if tag != CORE_TAG && !enabled(tag) {
            dropped.push((op.path.to_owned(), op.method.to_owned()));
        }
    }
    let mut selected = raw.clone();
    let paths = selected
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .ok_or("paths is missing")?;
    for (path, method) in dropped {
        if let Some(item) = paths.get_mut(&path).and_then(Value::as_object_mut) {
            item.remove(&method);
        }
    }
    paths.retain(|_, item| {
        item.as_object()
            .is_some_and(|i| i.keys().any(|m| METHODS.contains(&m.as_str())))
    });
    let reached = reached_components(&spec, &selected["paths"])?;
    for section in ["schemas", "parameters", "responses", "requestBodies"] {
        if let Some(components) = selected
            .pointer_mut(&format!("/components/{section}"))
            .and_then(Value::as_object_mut)
        {
            components.retain(|name, _| reached.contains(&format!("#/components/{section}/{name}")));
        }
    }
    Ok(selected)
}

/// The references reached from `start`, following them transitively through `spec`.
fn reached_components(spec: &Spec<'_>, start: &Value) -> Result<BTreeSet<String>, String> {
    let mut reached = BTreeSet::new();
    let mut pending = vec![start.clone()];
    while let Some(value) = pending.pop() {
        for reference in references(&value) {
            if reached.insert(reference.to_owned()) {
                pending.push(spec.target(reference)?.clone());
            }
        }
    }
    Ok(reached)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document() -> Value {
        json!({
            "paths": {
                "/a": {"get": {"operationId": "a", "tags": ["meetings"], "responses": {"200": {"$ref": "#/components/responses/A"}}}},
                "/b": {"get": {"operationId": "b", "tags": ["vmr"], "responses": {"200": {"$ref": "#/components/responses/B"}}}},
                "/token": {"post": {"operationId": "token", "tags": ["auth"]}}
            },
            "components": {
                "responses": {"A": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Deep"}}}}, "B": {}},
                "schemas": {"Deep": {"properties": {"x": {"$ref": "#/components/schemas/Leaf"}}}, "Leaf": {}, "Unused": {}}
            }
        })
    }

    #[test]
    fn only_enabled_groups_and_what_they_reach_are_kept() {
        let selected = selected_groups(&document(), |tag| tag == "meetings").unwrap();
        let paths: Vec<_> = selected["paths"].as_object().unwrap().keys().cloned().collect();
        assert_eq!(paths, ["/a", "/token"], "the auth group is always kept");
        let schemas: Vec<_> = selected["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(schemas, ["Deep", "Leaf"], "reached transitively; Unused dropped");
        let responses: Vec<_> = selected["components"]["responses"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(responses, ["A"]);
    }

    #[test]
    fn an_operation_without_a_tag_is_refused() {
        let raw = json!({"paths": {"/x": {"get": {"operationId": "x"}}}});
        let error = selected_groups(&raw, |_| true).unwrap_err();
        assert!(error.contains("GET /x (x)") && error.contains("tag"), "{error}");
    }
}
