//! Value constraints stay in the spec but not in the generated types: the wrapper validates
//! every request against the spec before sending it, with errors that name the field and the
//! rule, and the types stay plain.

use serde_json::Value;

use super::spec_model::VALUE_CONSTRAINTS;

/// Value constraints stay in the spec but not in the generated types: the wrapper validates
/// every request against the spec before sending it, with errors that name the field and
/// the rule, and the types stay plain (`String`, not one newtype per constrained field; an
/// integer with an `enum` of allowed values is an `i32`, not a newtype, while a string enum
/// stays a Rust enum).
pub fn without_constraints(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let integer = map.get("type").and_then(Value::as_str) == Some("integer");
            Value::Object(
                map.iter()
                    .filter(|(key, v)| !VALUE_CONSTRAINTS.contains(&key.as_str()) || v.is_object())
                    .filter(|(key, _)| !(integer && key.as_str() == "enum"))
                    // A default the spec states is the service's, applied when the field is
                    // absent: the client leaves it absent rather than send it (typify would
                    // make the field non-optional and always send it).
                    .filter(|(key, v)| key.as_str() != "default" || v.is_object())
                    .map(|(key, v)| (key.clone(), without_constraints(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(without_constraints).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn constraints_leave_the_types_but_nested_objects_stay() {
        let schema = json!({
            "type": "object",
            "properties": {
                "subject": {"type": "string", "maxLength": 64, "pattern": "^a"},
                "kind": {"type": "integer", "enum": [0, 1], "minimum": 0},
                "mode": {"type": "string", "enum": ["a", "b"], "default": "a"},
                "maximum": {"type": "object", "properties": {}}
            }
        });
        let plain = without_constraints(&schema);
        assert_eq!(plain["properties"]["subject"], json!({"type": "string"}));
        assert_eq!(
            plain["properties"]["kind"],
            json!({"type": "integer"}),
            "an integer enum is a plain i32"
        );
        assert_eq!(
            plain["properties"]["mode"]["enum"],
            json!(["a", "b"]),
            "a string enum stays a Rust enum"
        );
        assert!(
            plain["properties"]["mode"].get("default").is_none(),
            "a default stays the service's, not sent"
        );
        assert!(
            plain["properties"]["maximum"].is_object(),
            "a property named like a constraint stays"
        );
    }
}
