//! The world the spec's example requests assume (`SimulatorBuilder::spec_examples`): each
//! area seeds its part from the examples, so every operation's example request can succeed.

use serde_json::Value;

use crate::spec_model::{Operation, Spec};

/// The spec's examples, read from the spec the crate was generated from.
pub(super) struct SpecExamples {
    spec: Spec<'static>,
}

impl SpecExamples {
    pub(super) fn load() -> Self {
        SpecExamples {
            spec: Spec::new(crate::validate::spec()),
        }
    }

    /// The example of the component parameter whose API name is `name`.
    pub(super) fn parameter(&self, name: &str) -> Option<&Value> {
        self.spec
            .component_parameters()
            .find(|(_, p)| p.get("name").and_then(Value::as_str) == Some(name))?
            .1
            .get("example")
    }

    /// The spec's entry of operation `id`.
    fn operation(&self, id: &str) -> Option<Operation<'static>> {
        let op = crate::operations::operation(id)?;
        self.spec.operation_at(op.path, op.method)
    }

    /// The example of operation `id`'s own (not a component's) parameter `name`.
    pub(super) fn operation_parameter(&self, id: &str, name: &str) -> Option<&Value> {
        let parameters = self.operation(id)?.parameters().ok()?;
        parameters
            .into_iter()
            .find(|p| p.name == name && p.reference.is_none())?
            .example
    }

    /// The example request body of operation `id`.
    pub(super) fn body(&self, id: &str) -> Option<&Value> {
        self.operation(id)?.request_body().ok()??.example
    }

    /// The example success response of operation `id`.
    pub(super) fn response(&self, id: &str) -> Option<&Value> {
        self.operation(id)?.example_response()
    }
}
