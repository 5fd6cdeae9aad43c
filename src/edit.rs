//! Read-modify-write edits of the operations that replace a whole object
//! (`Client::edit_meeting`, `Client::edit_recurring_meeting`; `x-meeting-edit` in the spec):
//! the current object is read with the operation the spec pairs with the update, every page of
//! its list included, and made into the update's body, which the caller then changes. What the
//! spec says of the pairing is read here, at run time, from the embedded spec; build.rs only
//! generates the typed methods.

use chrono::NaiveDateTime;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::Error;
use crate::generated::Client;
use crate::spec_model::{Edit, Spec};

/// The service's times (`yyyy-MM-dd HH:mm`).
const MINUTE: &str = "%Y-%m-%d %H:%M";

/// The current object of update `update`, as its body: read with the operation the spec pairs
/// with it (`params` are the update's own parameters, which the read takes too), every page
/// of its list.
pub(crate) async fn current<T: DeserializeOwned>(
    client: &Client,
    update: &str,
    params: Map<String, Value>,
) -> Result<T, Error> {
    let spec = Spec::new(crate::validate::spec());
    let (edit, body_schema) = pairing(&spec, update)?;
    let page_size = spec
        .operation(edit.read)
        .and_then(|read| read.parameters().ok())
        .and_then(|parameters| parameters.into_iter().find(|p| p.name == "limit"))
        .and_then(|limit| limit.schema.get("maximum").and_then(Value::as_i64));
    let mut object = None;
    let mut items: Vec<Value> = Vec::new();
    let mut count = None;
    // Ends: a list that answers the last page again for an offset past its end (as some of
    // the service's do) stops as soon as a page brings nothing new.
    loop {
        let mut query = params.clone();
        if let (Some(_), Some(size)) = (&edit.list, page_size) {
            query.insert("offset".into(), Value::from(items.len()));
            query.insert("limit".into(), Value::from(size));
        }
        let answer = client.call(edit.read, query, None).await?.into_inner();
        object.get_or_insert_with(|| answer.get(edit.object).cloned().unwrap_or(Value::Null));
        let Some(list) = &edit.list else { break };
        let page = answer.get(list.page);
        count = page.and_then(|p| p.get("count")).and_then(Value::as_u64);
        let fresh: Vec<Value> = page
            .and_then(|p| p.get("data"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|item| !items.contains(item))
            .cloned()
            .collect();
        let done = fresh.is_empty() || page_size.is_none();
        items.extend(fresh);
        if done || count.is_some_and(|count| items.len() as u64 >= count) {
            break;
        }
    }
    let body = body_from(&spec, &edit, body_schema, object.unwrap_or(Value::Null), items, count)?;
    serde_path_to_error::deserialize(body).map_err(|e| {
        Error::invalid_input(
            format!("body.{}", e.path()),
            format!("the current object does not fit `{update}`'s body: {}", e.inner()),
        )
    })
}

/// The spec's pairing of update `update` and the schema of its body.
fn pairing<'a>(spec: &Spec<'a>, update: &str) -> Result<(Edit<'a>, &'a Value), Error> {
    let no_edit = |why: String| Error::Config(format!("`{update}` has no read-modify-write edit: {why}"));
    let op = spec
        .operation(update)
        .ok_or_else(|| no_edit("not an operation of this build".into()))?;
    let edit = op
        .edit()
        .map_err(no_edit)?
        .ok_or_else(|| no_edit("no x-meeting-edit".into()))?;
    let schema = op
        .request_body()
        .map_err(no_edit)?
        .and_then(|body| body.schema)
        .ok_or_else(|| no_edit("no body".into()))?;
    Ok((edit, schema))
}

/// The update's body made from the read's object and list items: the fields the body
/// declares (at every depth), the length from the start and end times, the items as the
/// body's list. An edit that would lose what the read cannot give back is refused, naming the
/// field, rather than sent.
pub(crate) fn body_from(
    spec: &Spec<'_>,
    edit: &Edit<'_>,
    body_schema: &Value,
    object: Value,
    items: Vec<Value>,
    count: Option<u64>,
) -> Result<Value, Error> {
    let Value::Object(object) = object else {
        return Err(Error::invalid_input(
            edit.object,
            format!("`{}` answered no `{}` object to edit", edit.read, edit.object),
        ));
    };
    let mut body = keep_declared(spec, body_schema, Value::Object(object.clone()));
    let Value::Object(fields) = &mut body else {
        unreachable!("an object stays an object")
    };
    if let Some((start, end)) = edit.length {
        let time = |name: &str| {
            object
                .get(name)
                .and_then(Value::as_str)
                .and_then(|t| NaiveDateTime::parse_from_str(t, MINUTE).ok())
        };
        let (Some(from), Some(to)) = (time(start), time(end)) else {
            return Err(Error::invalid_input(
                "length",
                format!(
                    "`{}` gave no `{start}` and `{end}` (yyyy-MM-dd HH:mm) to keep the length from: sending the edit would reset it",
                    edit.read
                ),
            ));
        };
        fields.insert("length".into(), Value::from((to - from).num_minutes()));
    }
    if let Some(list) = &edit.list {
        if let Some(count) = count.filter(|count| *count > items.len() as u64) {
            return Err(Error::invalid_input(
                list.to,
                format!(
                    "the object has {count} {} but `{}` gave {}: sending the edit would drop the others",
                    list.to,
                    edit.read,
                    items.len()
                ),
            ));
        }
        let item_schema = spec
            .resolve(body_schema)
            .ok()
            .and_then(|s| s.pointer(&format!("/properties/{}/items", list.to)))
            .unwrap_or(&Value::Null);
        let mut converted = Vec::new();
        for (index, item) in items.into_iter().enumerate() {
            let Value::Object(mut item) = item else { continue };
            for (from, to) in &list.rename {
                if let Some(value) = item.remove(*from) {
                    item.insert((*to).to_owned(), value);
                }
            }
            let item = keep_declared(spec, item_schema, Value::Object(item));
            let reachable = ["phone", "accountId", "email", "sms", "userUUID"]
                .iter()
                .any(|key| item.get(key).and_then(Value::as_str).is_some_and(|v| !v.is_empty()));
            if !reachable {
                return Err(Error::invalid_input(
                    format!("{}.{index}", list.to),
                    format!(
                        "`{}` gave no number, account, e-mail or user UUID for it: sending the edit would uninvite it",
                        edit.read
                    ),
                ));
            }
            converted.push(item);
        }
        fields.insert(list.to.to_owned(), Value::Array(converted));
    }
    Ok(body)
}

/// `value` with only the properties `schema` declares, at every depth (a map's values are
/// all kept; nulls are dropped, as absent).
fn keep_declared(spec: &Spec<'_>, schema: &Value, value: Value) -> Value {
    let schema = spec.resolve(schema).unwrap_or(&Value::Null);
    match value {
        Value::Object(object) => {
            let declared = schema.get("properties").and_then(Value::as_object);
            let kept = object
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .filter_map(|(key, child)| match declared.and_then(|d| d.get(&key)) {
                    Some(child_schema) => Some((key, keep_declared(spec, child_schema, child))),
                    None if declared.is_none() => Some((key, child)),
                    None => None,
                });
            Value::Object(kept.collect())
        }
        Value::Array(items) => {
            let item_schema = schema.get("items").unwrap_or(&Value::Null);
            Value::Array(items.into_iter().map(|i| keep_declared(spec, item_schema, i)).collect())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn edit_of_update_meeting() -> (Spec<'static>, Edit<'static>, &'static Value) {
        let spec = Spec::new(crate::validate::spec());
        let (edit, schema) = pairing(&spec, "update_meeting").unwrap();
        (spec, edit, schema)
    }

    fn detail() -> Value {
        json!({
            "subject": "Review", "startTime": "2030-01-01 08:00", "endTime": "2030-01-01 09:30",
            "mediaTypes": "HDVideo", "conferenceID": "914000001", "partAttendeeInfo": [],
            "confConfigInfo": {"isAutoMute": true, "inviteMode": "x"}, "vmrID": null
        })
    }

    #[test]
    fn the_body_keeps_what_it_declares_and_derives_the_length_and_the_attendees() {
        let (spec, edit, schema) = edit_of_update_meeting();
        let items = vec![
            json!({"participantID": "+86138", "name": "Ann", "attendeeType": "normal", "subscriberID": "x", "role": 1}),
        ];
        let body = body_from(&spec, &edit, schema, detail(), items, Some(1)).unwrap();
        assert_eq!(
            body,
            json!({
                "subject": "Review", "startTime": "2030-01-01 08:00", "mediaTypes": "HDVideo",
                "confConfigInfo": {"isAutoMute": true}, "length": 90,
                "attendees": [{"phone": "+86138", "name": "Ann", "type": "normal", "role": 1}]
            })
        );
    }

    #[test]
    fn an_edit_that_would_lose_something_is_refused_naming_the_field() {
        let (spec, edit, schema) = edit_of_update_meeting();
        let mut no_end = detail();
        no_end.as_object_mut().unwrap().remove("endTime");
        let e = body_from(&spec, &edit, schema, no_end, Vec::new(), Some(0)).unwrap_err();
        assert!(
            matches!(&e, Error::InvalidInput { field, .. } if field == "length"),
            "{e}"
        );
        let one = vec![json!({"participantID": "+86138"})];
        let e = body_from(&spec, &edit, schema, detail(), one, Some(45)).unwrap_err();
        assert!(
            matches!(&e, Error::InvalidInput { field, reason } if field == "attendees" && reason.contains("45")),
            "{e}"
        );
        let nameless = vec![json!({"participantID": "+86138"}), json!({"name": "Who"})];
        let e = body_from(&spec, &edit, schema, detail(), nameless, Some(2)).unwrap_err();
        assert!(
            matches!(&e, Error::InvalidInput { field, .. } if field == "attendees.1"),
            "{e}"
        );
        let e = body_from(&spec, &edit, schema, Value::Null, Vec::new(), None).unwrap_err();
        assert!(
            matches!(&e, Error::InvalidInput { field, .. } if field == "conferenceData"),
            "{e}"
        );
    }

    #[test]
    fn what_the_detail_does_not_carry_is_listed_from_the_spec() {
        let spec = Spec::new(crate::validate::spec());
        let (top, items) = spec.not_carried_by_edit("update_meeting").unwrap();
        assert!(
            top.contains(&"encryptMode") && !top.contains(&"subject") && !top.contains(&"length"),
            "{top:?}"
        );
        assert!(
            items.contains(&"isMute") && !items.contains(&"phone") && !items.contains(&"email"),
            "{items:?}"
        );
    }
}
