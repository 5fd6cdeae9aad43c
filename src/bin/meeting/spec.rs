//! What the commands are made of, read from the spec the library was generated from: one
//! command per operation, one flag per parameter, so an operation added to the spec is a new
//! command without code here.

use huaweicloud_meeting::operations::{OperationMeta, operations};
use huaweicloud_meeting::spec_model::Spec;
use serde_json::Value;

use crate::naming;

/// A parameter of an operation, as a flag.
pub struct Parameter {
    /// The API's name (`conferenceID`).
    pub name: String,
    /// The flag (`conference-id`).
    pub flag: String,
    pub description: String,
    pub required: bool,
    pub deprecated: bool,
    /// JSON type of the value: integer, boolean, number, array or string.
    pub kind: String,
    /// The allowed values, when the spec lists them.
    pub allowed: Vec<String>,
}

/// An operation, as a command.
pub struct Operation {
    pub meta: &'static OperationMeta,
    /// The command (`cancel-meeting`).
    pub command: String,
    pub summary: String,
    pub description: String,
    pub parameters: Vec<Parameter>,
    /// It takes a JSON body; `Some(true)` when the body is required.
    pub body: Option<bool>,
    /// The schema of its body (to mask secrets in `--verbose`).
    pub body_schema: Option<Value>,
}

pub fn spec() -> &'static Value {
    static SPEC: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    SPEC.get_or_init(|| serde_json::from_str(huaweicloud_meeting::OPENAPI_JSON).expect("the library's spec is JSON"))
}

/// `conferenceID` -> `conference-id`, `X-Request-Id` -> `x-request-id`, `conf_id` -> `conf-id`,
/// `confUUIDs` -> `conf-uuids` (as the library's `conf_uuids`).
pub fn kebab(name: &str) -> String {
    heck::ToKebabCase::to_kebab_case(naming::acronym_plurals_as_words(name).as_str())
}

/// Every operation of the spec the client can call, as commands.
pub fn operations_as_commands() -> Vec<Operation> {
    let callable = huaweicloud_meeting::CALLABLE_OPERATIONS;
    let spec = Spec::new(spec());
    operations()
        .iter()
        .filter(|meta| callable.contains(&meta.id))
        .filter_map(|meta| {
            let entry = spec.operation_at(meta.path, meta.method)?;
            let parameters = entry
                .parameters()
                .ok()?
                .into_iter()
                .map(|p| Parameter {
                    name: p.name.to_owned(),
                    flag: kebab(p.name),
                    description: p.description.to_owned(),
                    required: p.required,
                    deprecated: p.deprecated,
                    kind: p.kind().to_owned(),
                    allowed: p
                        .schema
                        .get("enum")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                        .collect(),
                })
                .collect::<Vec<_>>();
            // An upload takes its file as a path (`--file PATH`), not as a JSON body.
            let upload = entry.upload().ok()?;
            let mut parameters = parameters;
            if let Some(upload) = &upload {
                parameters.push(Parameter {
                    name: upload.part.to_owned(),
                    flag: kebab(upload.part),
                    description: format!(
                        "Path of the file to upload (the `{}` part of the multipart body); its type is read from its first bytes.",
                        upload.part
                    ),
                    required: true,
                    deprecated: false,
                    kind: "string".into(),
                    allowed: Vec::new(),
                });
            }
            let body = if upload.is_some() { None } else { entry.request_body().ok()? };
            Some(Operation {
                meta,
                command: kebab(meta.id),
                summary: entry.text("summary").to_owned(),
                description: entry.text("description").to_owned(),
                parameters,
                body: body.map(|b| b.required),
                body_schema: body.and_then(|b| b.schema).cloned(),
            })
        })
        .collect()
}

/// `value` with the fields `schema` marks as secrets (format password) replaced by `***`.
pub fn masked(value: &Value, schema: &Value) -> Value {
    Spec::new(spec()).masked(value, schema)
}
