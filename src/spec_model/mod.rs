//! The spec, read one way: its operations with their parameters, body, responses, credentials
//! and `x-meeting-*` extensions, through the one resolver of `$ref`.
//!
//! Included by build.rs (`#[path]`, for code generation and the conventions check) and
//! compiled in the library (request validation, the simulator's seeding, the `meeting`
//! command, the tests), so every reader walks the spec the same way. Its only dependency is
//! serde_json. Not part of the library's API.

#![allow(dead_code)] // Each includer uses its own part.

use serde_json::{Map, Value};

mod extensions;

// The build script, which includes this module too, names only some of them.
#[allow(unused_imports)]
pub use extensions::{Edit, EditList, Upload};

/// The keywords that constrain a value (not its type): build.rs keeps them out of the
/// generated types and writes them into the typed checks.
pub const VALUE_CONSTRAINTS: &[&str] = &[
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
];

/// The HTTP methods an OpenAPI path item may hold.
pub const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/// The spec document.
#[derive(Clone, Copy, Debug)]
pub struct Spec<'a> {
    raw: &'a Value,
}

impl<'a> Spec<'a> {
    pub fn new(raw: &'a Value) -> Self {
        Spec { raw }
    }

    /// The document as JSON.
    pub fn raw(&self) -> &'a Value {
        self.raw
    }

    /// `value` with its `$ref` to `#/...` followed (transitively), and the JSON pointer of the
    /// last reference followed, if any.
    pub fn follow(&self, value: &'a Value) -> Result<(&'a Value, Option<&'a str>), String> {
        let mut current = value;
        let mut pointer = None;
        for _ in 0..16 {
            let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
                return Ok((current, pointer));
            };
            current = self.target(reference)?;
            pointer = reference.strip_prefix('#');
        }
        Err(format!("$ref chain too long at {:?}", pointer.unwrap_or_default()))
    }

    /// What the reference `#/...` names (one step: the target may be a reference itself).
    pub fn target(&self, reference: &str) -> Result<&'a Value, String> {
        let pointer = reference
            .strip_prefix('#')
            .ok_or(format!("$ref {reference} is not local to the spec"))?;
        self.raw.pointer(pointer).ok_or(format!("unresolved $ref {reference}"))
    }

    /// `value` with its `$ref` followed.
    pub fn resolve(&self, value: &'a Value) -> Result<&'a Value, String> {
        self.follow(value).map(|(value, _)| value)
    }

    /// Every operation.
    pub fn operations(&self) -> impl Iterator<Item = Operation<'a>> + 'a {
        let spec = *self;
        self.raw
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(path, item)| item.as_object().map(|item| (path, item)))
            .flat_map(move |(path, item)| {
                item.iter()
                    .filter(|(method, _)| METHODS.contains(&method.as_str()))
                    .map(move |(method, raw)| Operation {
                        spec,
                        path,
                        method,
                        raw,
                    })
            })
    }

    /// The operation whose `operationId` is `id`.
    pub fn operation(&self, id: &str) -> Option<Operation<'a>> {
        self.operations().find(|op| op.id() == Some(id))
    }

    /// The operation at `path` with `method` (any case).
    pub fn operation_at(&self, path: &str, method: &str) -> Option<Operation<'a>> {
        let method = method.to_ascii_lowercase();
        self.operations().find(|op| op.path == path && op.method == method)
    }

    /// The component schemas, by name.
    pub fn component_schemas(&self) -> impl Iterator<Item = (&'a String, &'a Value)> + 'a {
        self.section("schemas")
    }

    /// The component parameters, by key.
    pub fn component_parameters(&self) -> impl Iterator<Item = (&'a String, &'a Value)> + 'a {
        self.section("parameters")
    }

    fn section(&self, name: &str) -> impl Iterator<Item = (&'a String, &'a Value)> + 'a {
        self.raw
            .pointer(&format!("/components/{name}"))
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
    }

    /// The security schemes, by name.
    pub fn security_schemes(&self) -> Option<&'a Map<String, Value>> {
        self.raw
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object)
    }

    /// Every use of one of `keywords` with a non-object value (a constraint such as
    /// `maxLength: 64`, not a property named `maxLength`), with the JSON pointer of the object
    /// holding it. `required: false` is left out: it constrains nothing.
    pub fn keyword_locations(&self, keywords: &[&str]) -> Vec<(String, &'a str, &'a Value)> {
        fn walk<'a>(value: &'a Value, at: &str, keywords: &[&str], out: &mut Vec<(String, &'a str, &'a Value)>) {
            match value {
                Value::Object(map) => {
                    for (key, child) in map {
                        if keywords.contains(&key.as_str()) && !child.is_object() {
                            if child != &Value::Bool(false) {
                                out.push((at.to_owned(), key.as_str(), child));
                            }
                        } else {
                            let key = key.replace('~', "~0").replace('/', "~1");
                            walk(child, &format!("{at}/{key}"), keywords, out);
                        }
                    }
                }
                Value::Array(items) => {
                    for (index, item) in items.iter().enumerate() {
                        walk(item, &format!("{at}/{index}"), keywords, out);
                    }
                }
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(self.raw, "", keywords, &mut out);
        out
    }

    /// `value` with every field `schema` marks as a secret (`format: password`) replaced by
    /// `"***"`, through references, properties, array items and `oneOf`/`anyOf`/`allOf`.
    pub fn masked(&self, value: &Value, schema: &Value) -> Value {
        let schema = self.resolve(schema).unwrap_or(&Value::Null);
        if schema.get("format").and_then(Value::as_str) == Some("password") && value.is_string() {
            return Value::String("***".into());
        }
        let mut value = value.clone();
        for combined in ["oneOf", "anyOf", "allOf"] {
            for alternative in schema.get(combined).and_then(Value::as_array).into_iter().flatten() {
                value = self.masked(&value, alternative);
            }
        }
        match value {
            Value::Object(object) => {
                let properties = schema.get("properties").and_then(Value::as_object);
                let masked = object
                    .into_iter()
                    .map(|(key, field)| match properties.and_then(|p| p.get(&key)) {
                        Some(field_schema) => {
                            let field = self.masked(&field, field_schema);
                            (key, field)
                        }
                        None => (key, field),
                    })
                    .collect();
                Value::Object(masked)
            }
            Value::Array(items) => {
                let item_schema = schema.get("items").unwrap_or(&Value::Null);
                Value::Array(items.iter().map(|item| self.masked(item, item_schema)).collect())
            }
            other => other,
        }
    }

    /// Every property and parameter name of the spec (with repeats).
    pub fn names(&self) -> Vec<&'a str> {
        let mut names = Vec::new();
        collect_names(self.raw, &mut names);
        names
    }
}

fn collect_names<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                out.extend(properties.keys().map(String::as_str));
            }
            if let (Some(Value::String(name)), Some(_)) = (map.get("name"), map.get("in")) {
                out.push(name);
            }
            map.values().for_each(|v| collect_names(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_names(v, out)),
        _ => {}
    }
}

/// Every `$ref` inside `value`.
pub fn references(value: &Value) -> Vec<&str> {
    fn walk<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                    out.push(r);
                }
                map.values().for_each(|v| walk(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut out);
    out
}

/// One operation of the spec.
#[derive(Clone, Copy, Debug)]
pub struct Operation<'a> {
    spec: Spec<'a>,
    /// Its path template (`/v1/mmc/management/conferences`).
    pub path: &'a str,
    /// Its method, lower case as the spec writes it.
    pub method: &'a str,
    /// The operation object.
    pub raw: &'a Value,
}

impl<'a> Operation<'a> {
    /// `operationId` (the official SDK's name).
    pub fn id(&self) -> Option<&'a str> {
        self.raw.get("operationId").and_then(Value::as_str)
    }

    /// The spec it belongs to.
    pub fn spec(&self) -> &Spec<'a> {
        &self.spec
    }

    /// `POST /path (id)`, for messages.
    pub fn at(&self) -> String {
        format!(
            "{} {} ({})",
            self.method.to_uppercase(),
            self.path,
            self.id().unwrap_or("?")
        )
    }

    /// Its first tag: the operation group (and cargo feature) it belongs to.
    pub fn tag(&self) -> Option<&'a str> {
        self.raw.pointer("/tags/0").and_then(Value::as_str)
    }

    /// A text field (`summary`, `description`), trimmed; empty when absent.
    pub fn text(&self, key: &str) -> &'a str {
        self.raw.get(key).and_then(Value::as_str).unwrap_or_default().trim()
    }

    /// The value of extension `name` (`x-meeting-retry`...).
    pub fn extension(&self, name: &str) -> Option<&'a Value> {
        self.raw.get(name)
    }

    /// The security schemes it names, over all its requirements; `None` when it declares no
    /// `security` at all (`security: []` is an empty list).
    pub fn security(&self) -> Option<Vec<&'a str>> {
        let requirements = self.raw.get("security")?.as_array()?;
        Some(
            requirements
                .iter()
                .filter_map(Value::as_object)
                .flat_map(|requirement| requirement.keys().map(String::as_str))
                .collect(),
        )
    }

    /// Its credentials split by need: the schemes every alternative requirement names
    /// (required), and those only some name (sent when the handle has them). `None` when it
    /// declares no `security`.
    pub fn credentials(&self) -> Option<(Vec<&'a str>, Vec<&'a str>)> {
        let requirements: Vec<Vec<&'a str>> = self
            .raw
            .get("security")?
            .as_array()?
            .iter()
            .filter_map(Value::as_object)
            .map(|requirement| requirement.keys().map(String::as_str).collect())
            .collect();
        let named = self.security()?;
        let mut required = Vec::new();
        let mut optional = Vec::new();
        for name in named {
            let list = if requirements.iter().all(|r| r.contains(&name)) {
                &mut required
            } else {
                &mut optional
            };
            if !list.contains(&name) {
                list.push(name);
            }
        }
        Some((required, optional))
    }

    /// The query parameter naming the meeting a handle's credential is for: the operation's
    /// own `x-meeting-conference-parameter`, else that of the first of its schemes with one.
    pub fn meeting_parameter(&self) -> Option<&'a str> {
        if let Some(own) = self.extension("x-meeting-conference-parameter") {
            return own.as_str();
        }
        let schemes = self.spec.security_schemes()?;
        self.security()?
            .into_iter()
            .find_map(|name| schemes.get(name)?.get("x-meeting-conference-parameter")?.as_str())
    }

    /// Its parameters, each resolved.
    pub fn parameters(&self) -> Result<Vec<Parameter<'a>>, String> {
        let listed = self.raw.get("parameters").and_then(Value::as_array);
        listed
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(index, written)| {
                let (raw, reference) = self.spec.follow(written)?;
                let text = |key: &str| raw.get(key).and_then(Value::as_str);
                let flag = |key: &str| raw.get(key).and_then(Value::as_bool).unwrap_or(false);
                let name = text("name").ok_or(format!("{}: parameter {index} has no name", self.at()))?;
                let written_schema = raw.get("schema").unwrap_or(&Value::Null);
                Ok(Parameter {
                    name,
                    location: text("in").ok_or(format!("{}: parameter `{name}` has no `in`", self.at()))?,
                    required: flag("required"),
                    deprecated: flag("deprecated"),
                    description: text("description").unwrap_or_default().trim(),
                    written_schema,
                    schema: self.spec.resolve(written_schema)?,
                    example: raw.get("example"),
                    index,
                    reference,
                    raw,
                })
            })
            .collect()
    }

    /// Its request body, if it takes one.
    pub fn request_body(&self) -> Result<Option<Body<'a>>, String> {
        let Some(written) = self.raw.get("requestBody") else {
            return Ok(None);
        };
        let raw = self.spec.resolve(written)?;
        let json = raw.pointer("/content/application~1json");
        Ok(Some(Body {
            required: raw.get("required").and_then(Value::as_bool).unwrap_or(false),
            schema: json.and_then(|c| c.get("schema")),
            example: json.and_then(|c| c.get("example")),
        }))
    }

    /// Its first success (2xx) response: the status and the resolved response object.
    pub fn success_response(&self) -> Result<Option<(&'a str, &'a Value)>, String> {
        let responses = self.raw.get("responses").and_then(Value::as_object);
        let Some((status, written)) = responses
            .into_iter()
            .flatten()
            .find(|(status, _)| status.starts_with('2'))
        else {
            return Ok(None);
        };
        Ok(Some((status.as_str(), self.spec.resolve(written)?)))
    }

    /// The example of its success response's JSON body.
    pub fn example_response(&self) -> Option<&'a Value> {
        let (_, response) = self.success_response().ok()??;
        response.pointer("/content/application~1json/example")
    }
}

/// A parameter of an operation, resolved.
#[derive(Clone, Copy, Debug)]
pub struct Parameter<'a> {
    /// Its name in the API (`conferenceID`, `X-Request-Id`).
    pub name: &'a str,
    /// `path`, `query`, `header` or `cookie`.
    pub location: &'a str,
    pub required: bool,
    pub deprecated: bool,
    pub description: &'a str,
    /// The schema as written (possibly a `$ref`, which validators resolve themselves).
    pub written_schema: &'a Value,
    /// The schema, resolved.
    pub schema: &'a Value,
    pub example: Option<&'a Value>,
    /// Its position in the operation's list.
    pub index: usize,
    /// The JSON pointer of the component it was reached through, when it is a `$ref`.
    pub reference: Option<&'a str>,
    /// The parameter object, resolved.
    pub raw: &'a Value,
}

impl Parameter<'_> {
    /// The JSON type of its value (`string`, `integer`...); empty when the schema has none.
    pub fn kind(&self) -> &str {
        self.schema.get("type").and_then(Value::as_str).unwrap_or_default()
    }
}

/// The request body of an operation.
#[derive(Clone, Copy, Debug)]
pub struct Body<'a> {
    pub required: bool,
    /// The JSON schema as written (possibly a `$ref`).
    pub schema: Option<&'a Value>,
    pub example: Option<&'a Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document() -> Value {
        json!({
            "paths": {
                "/v1/things": {
                    "summary": "not an operation",
                    "post": {
                        "operationId": "create_thing",
                        "tags": ["things"],
                        "security": [{"accessToken": []}],
                        "x-meeting-retry": "unsafe",
                        "parameters": [
                            {"$ref": "#/components/parameters/Site"},
                            {"name": "limit", "in": "query", "schema": {"$ref": "#/components/schemas/Limit"}, "example": 5}
                        ],
                        "requestBody": {"$ref": "#/components/requestBodies/Thing"},
                        "responses": {"200": {"content": {"application/json": {"example": {"id": 1}}}}}
                    },
                    "get": {"operationId": "list_things", "security": [], "responses": {"204": {}}}
                }
            },
            "components": {
                "parameters": {"Site": {"name": "X-Site-Id", "in": "header", "required": true, "schema": {"type": "string"}}},
                "schemas": {"Limit": {"$ref": "#/components/schemas/Count"}, "Count": {"type": "integer", "properties": {"inner": {}}}},
                "requestBodies": {"Thing": {"required": true, "content": {"application/json": {"schema": {"type": "object"}, "example": {"a": 1}}}}},
                "securitySchemes": {"accessToken": {"type": "apiKey"}}
            }
        })
    }

    #[test]
    fn operations_are_read_with_their_parts_resolved() {
        let raw = document();
        let spec = Spec::new(&raw);
        let mut ids: Vec<_> = spec.operations().filter_map(|op| op.id()).collect();
        ids.sort();
        assert_eq!(ids, ["create_thing", "list_things"]);
        let op = spec.operation("create_thing").unwrap();
        assert_eq!(
            (op.tag(), op.security(), op.at().as_str()),
            (
                Some("things"),
                Some(vec!["accessToken"]),
                "POST /v1/things (create_thing)"
            )
        );
        let parameters = op.parameters().unwrap();
        assert_eq!(
            (
                parameters[0].name,
                parameters[0].location,
                parameters[0].required,
                parameters[0].reference
            ),
            ("X-Site-Id", "header", true, Some("/components/parameters/Site"))
        );
        // A chain of references is followed to the end.
        assert_eq!(
            (parameters[1].kind(), parameters[1].example),
            ("integer", Some(&json!(5)))
        );
        let body = op.request_body().unwrap().unwrap();
        assert_eq!((body.required, body.example), (true, Some(&json!({"a": 1}))));
        assert_eq!(op.example_response(), Some(&json!({"id": 1})));
        let list = spec.operation_at("/v1/things", "GET").unwrap();
        assert_eq!(
            (list.security(), list.request_body().unwrap().is_none()),
            (Some(vec![]), true)
        );
        assert_eq!(list.success_response().unwrap().map(|(status, _)| status), Some("204"));
    }

    #[test]
    fn broken_references_are_errors_not_nulls() {
        let raw = json!({"a": {"$ref": "#/nowhere"}, "b": {"$ref": "http://elsewhere"}, "loop": {"$ref": "#/loop"}});
        let spec = Spec::new(&raw);
        assert_eq!(spec.resolve(&raw["a"]).unwrap_err(), "unresolved $ref #/nowhere");
        assert!(spec.resolve(&raw["b"]).unwrap_err().contains("not local"));
        assert!(spec.resolve(&raw["loop"]).unwrap_err().contains("too long"));
    }

    #[test]
    fn secrets_are_masked_at_any_depth() {
        let raw = json!({"components": {"schemas": {"Pwd": {"type": "string", "format": "password"}}}});
        let spec = Spec::new(&raw);
        let schema = json!({"properties": {
            "password": {"$ref": "#/components/schemas/Pwd"},
            "users": {"items": {"properties": {"pwd": {"$ref": "#/components/schemas/Pwd"}, "name": {}}}}
        }});
        let body = json!({"password": "p", "users": [{"pwd": "q", "name": "n"}], "other": "o"});
        assert_eq!(
            spec.masked(&body, &schema),
            json!({"password": "***", "users": [{"pwd": "***", "name": "n"}], "other": "o"})
        );
    }

    #[test]
    fn names_and_references_are_collected() {
        let raw = document();
        let spec = Spec::new(&raw);
        let names = spec.names();
        assert!(names.contains(&"X-Site-Id") && names.contains(&"limit") && names.contains(&"inner"));
        let mut refs = references(&raw["paths"]);
        refs.sort();
        assert_eq!(
            refs,
            [
                "#/components/parameters/Site",
                "#/components/requestBodies/Thing",
                "#/components/schemas/Limit"
            ]
        );
    }
}
