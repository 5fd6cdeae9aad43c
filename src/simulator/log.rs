//! The request log: each call the simulator received, as tests read it
//! ([`Simulator::requests`](super::Simulator::requests)).

/// A call the simulator received.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoggedRequest {
    /// Operation id, or `unknown`.
    pub operation: &'static str,
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub uri: String,
    /// Status answered; 0 while unanswered or when the connection was dropped mid-response.
    pub status: u16,
    /// The JSON body received, its secrets (`format: password` in the spec) as `"***"`;
    /// `None` without a JSON body.
    pub body: Option<serde_json::Value>,
}

/// A received body as the request log keeps it: JSON with its secrets masked.
pub(super) fn logged_body(
    operation: Option<&crate::operations::OperationMeta>,
    body: &[u8],
) -> Option<serde_json::Value> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let spec = crate::spec_model::Spec::new(crate::validate::spec());
    let schema = operation
        .and_then(|op| spec.operation_at(op.path, op.method))
        .and_then(|op| op.request_body().ok().flatten())
        .and_then(|body| body.schema);
    Some(match schema {
        Some(schema) => spec.masked(&value, schema),
        // No schema to tell secrets by: keep the shape, not the values.
        None => serde_json::Value::String("<a body the spec does not describe>".into()),
    })
}
