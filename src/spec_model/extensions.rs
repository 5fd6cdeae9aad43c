//! The project's own extensions, read from the spec: read-modify-write edits
//! (`x-meeting-edit`) and file uploads (a `multipart/form-data` body, `x-meeting-upload`).

use serde_json::Value;

use super::{Operation, Spec};

impl<'a> Spec<'a> {
    /// The fields of update `update`'s body the read's object does not carry (nor the edit
    /// derives), at the top and in its list's items: what returns to the service's default unless
    /// the change sets it. For the method's documentation.
    pub fn not_carried_by_edit(&self, update: &str) -> Result<(Vec<&'a str>, Vec<&'a str>), String> {
        let spec = self;
        let op = spec.operation(update).ok_or(format!("no operation `{update}`"))?;
        let edit = op.edit()?.ok_or(format!("`{update}` has no x-meeting-edit"))?;
        let body = op
            .request_body()?
            .and_then(|b| b.schema)
            .ok_or(format!("`{update}` has no body"))?;
        let read = spec
            .operation(edit.read)
            .ok_or(format!("no read operation `{}`", edit.read))?;
        let (_, response) = read
            .success_response()?
            .ok_or(format!("`{}` has no success response", edit.read))?;
        let answer = response
            .pointer("/content/application~1json/schema")
            .ok_or(format!("`{}` answers no JSON", edit.read))?;
        let answer = spec.resolve(answer)?;
        let properties = |schema: &'a Value| -> Result<Vec<&'a str>, String> {
            Ok(spec
                .resolve(schema)?
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().map(String::as_str).collect())
                .unwrap_or_default())
        };
        let member = |name: &str| {
            answer
                .pointer(&format!("/properties/{name}"))
                .ok_or(format!("`{}` answers no `{name}`", edit.read))
        };
        let object = properties(member(edit.object)?)?;
        let body_schema = spec.resolve(body)?;
        let derived: Vec<&str> = ["length"].into_iter().chain(edit.list.as_ref().map(|l| l.to)).collect();
        let top = properties(body)?
            .into_iter()
            .filter(|f| !object.contains(f) && !derived.contains(f))
            .collect();
        let items = match &edit.list {
            None => Vec::new(),
            Some(list) => {
                let page = spec.resolve(member(list.page)?)?;
                let read_item = page
                    .pointer("/properties/data/items")
                    .ok_or(format!("`{}`'s `{}` is not a page with `data`", edit.read, list.page))?;
                let read_fields: Vec<&str> = properties(read_item)?
                    .into_iter()
                    .map(|f| list.rename.iter().find(|(from, _)| *from == f).map_or(f, |(_, to)| *to))
                    .collect();
                let body_item = body_schema
                    .pointer(&format!("/properties/{}/items", list.to))
                    .ok_or(format!("the body has no list `{}`", list.to))?;
                properties(body_item)?
                    .into_iter()
                    .filter(|f| !read_fields.contains(f))
                    .collect()
            }
        };
        Ok((top, items))
    }
}

impl<'a> Operation<'a> {
    /// The file part of its `multipart/form-data` body (the one property of `format: binary`)
    /// and the limits of `x-meeting-upload`, when it uploads a file.
    pub fn upload(&self) -> Result<Option<Upload<'a>>, String> {
        let Some(written) = self.raw.get("requestBody") else {
            return Ok(None);
        };
        let Some(schema) = self
            .spec
            .resolve(written)?
            .pointer("/content/multipart~1form-data/schema")
        else {
            return Ok(None);
        };
        let at = self.at();
        let schema = self.spec.resolve(schema)?;
        let binary: Vec<&str> = schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(_, p)| p.get("format").and_then(Value::as_str) == Some("binary"))
            .map(|(name, _)| name.as_str())
            .collect();
        let [part] = binary[..] else {
            return Err(format!(
                "{at}: a multipart body takes exactly one `format: binary` property (found {binary:?})"
            ));
        };
        let limits = self.extension("x-meeting-upload");
        let number = |key: &str| limits.and_then(|l| l.get(key)).and_then(Value::as_u64);
        let pair = |key: &str| -> Result<Option<(u64, u64)>, String> {
            match limits
                .and_then(|l| l.get(key))
                .and_then(Value::as_array)
                .map(Vec::as_slice)
            {
                None => Ok(None),
                Some([a, b]) => match (a.as_u64(), b.as_u64()) {
                    (Some(a), Some(b)) => Ok(Some((a, b))),
                    _ => Err(format!("{at}: x-meeting-upload.{key} must be two whole numbers")),
                },
                Some(_) => Err(format!("{at}: x-meeting-upload.{key} must be two whole numbers")),
            }
        };
        Ok(Some(Upload {
            part,
            max_bytes: number("max-bytes"),
            types: limits
                .and_then(|l| l.get("types"))
                .and_then(Value::as_array)
                .map(|types| types.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default(),
            max_pixels: pair("max-pixels")?,
            aspect: pair("aspect")?,
        }))
    }

    /// The read-modify-write edit it offers (`x-meeting-edit`), when it is a full replacement
    /// of what another operation reads.
    pub fn edit(&self) -> Result<Option<Edit<'a>>, String> {
        let Some(raw) = self.extension("x-meeting-edit") else {
            return Ok(None);
        };
        let at = self.at();
        let text = |key: &str| {
            raw.get(key)
                .and_then(Value::as_str)
                .ok_or(format!("{at}: x-meeting-edit.{key} must be a string"))
        };
        let length = match raw.get("length").and_then(Value::as_array).map(Vec::as_slice) {
            None => None,
            Some([Value::String(start), Value::String(end)]) => Some((start.as_str(), end.as_str())),
            Some(_) => return Err(format!("{at}: x-meeting-edit.length must be [start, end]")),
        };
        let list = match raw.get("list") {
            None => None,
            Some(list) => {
                let field = |key: &str| {
                    list.get(key)
                        .and_then(Value::as_str)
                        .ok_or(format!("{at}: x-meeting-edit.list.{key} must be a string"))
                };
                let rename = list
                    .get("rename")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .map(|(from, to)| {
                        to.as_str()
                            .map(|to| (from.as_str(), to))
                            .ok_or(format!("{at}: x-meeting-edit.list.rename.{from} must be a string"))
                    })
                    .collect::<Result<_, _>>()?;
                Some(EditList {
                    page: field("page")?,
                    to: field("to")?,
                    rename,
                })
            }
        };
        Ok(Some(Edit {
            method: text("method")?,
            read: text("read")?,
            object: text("object")?,
            length,
            list,
        }))
    }
}

/// A read-modify-write edit (`x-meeting-edit`) of a full replacement: read the current object
/// with another operation, make it the body, let the caller change it, send it.
#[derive(Clone, Debug)]
pub struct Edit<'a> {
    /// The `Client` method (`edit_meeting`).
    pub method: &'a str,
    /// The operation that reads the current object (`show_meeting_detail`).
    pub read: &'a str,
    /// The member of the read's answer the body is made from (`conferenceData`): its fields
    /// the body declares are kept, the others dropped.
    pub object: &'a str,
    /// The body's `length` (minutes) is the time from the object's first field to its second.
    pub length: Option<(&'a str, &'a str)>,
    /// A paged list of the read's answer that becomes a list of the body.
    pub list: Option<EditList<'a>>,
}

/// A paged list of a read's answer (`{offset, limit, count, data}`) that becomes a list of the
/// edit's body.
#[derive(Clone, Debug)]
pub struct EditList<'a> {
    /// The member of the read's answer holding the page (`data`).
    pub page: &'a str,
    /// The body's list (`attendees`).
    pub to: &'a str,
    /// Item fields whose name differs: (name in the read, name in the body).
    pub rename: Vec<(&'a str, &'a str)>,
}

/// A file upload: the part that carries the file and the limits the spec documents
/// (`x-meeting-upload`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Upload<'a> {
    pub part: &'a str,
    pub max_bytes: Option<u64>,
    /// Accepted content types (`image/jpeg`...); empty: any.
    pub types: Vec<&'a str>,
    /// Largest width and height, in pixels.
    pub max_pixels: Option<(u64, u64)>,
    /// Width to height.
    pub aspect: Option<(u64, u64)>,
}
