//! The world the spec's example requests assume (`SimulatorBuilder::spec_examples`): each
//! area seeds its part from the examples, so every operation's example request can succeed.

use serde_json::Value;

/// The spec's examples, read from the spec the crate was generated from.
pub(super) struct SpecExamples {
    spec: &'static Value,
}

impl SpecExamples {
    pub(super) fn load() -> Self {
        SpecExamples {
            spec: crate::validate::spec(),
        }
    }

    /// The example of the component parameter whose API name is `name`.
    pub(super) fn parameter(&self, name: &str) -> Option<&Value> {
        self.spec
            .pointer("/components/parameters")?
            .as_object()?
            .values()
            .find(|p| p.get("name").and_then(Value::as_str) == Some(name))?
            .get("example")
    }

    /// The spec's entry of operation `id`.
    fn operation(&self, id: &str) -> Option<&Value> {
        let op = crate::operations::operation(id)?;
        self.spec
            .get("paths")?
            .get(op.path)?
            .get(op.method.to_ascii_lowercase())
    }

    /// The example of operation `id`'s own (not a component's) parameter `name`.
    pub(super) fn operation_parameter(&self, id: &str, name: &str) -> Option<&Value> {
        self.operation(id)?
            .get("parameters")?
            .as_array()?
            .iter()
            .find(|p| p.get("name").and_then(Value::as_str) == Some(name))?
            .get("example")
    }

    /// The example request body of operation `id`.
    pub(super) fn body(&self, id: &str) -> Option<&Value> {
        self.operation(id)?
            .pointer("/requestBody/content/application~1json/example")
    }

    /// The example success response of operation `id`.
    pub(super) fn response(&self, id: &str) -> Option<&Value> {
        self.operation(id)?
            .pointer("/responses/200/content/application~1json/example")
    }
}
