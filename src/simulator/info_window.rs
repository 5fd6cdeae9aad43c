//! The info window: pictures (materials) uploaded by administrators, programs built of
//! materials shown for some seconds each, and publications showing programs on departments'
//! and devices' screens for a period. Something in use is not deleted: a material a program
//! shows, or a program a publication shows, refuses the delete (the simulator's reading:
//! Huawei documents neither refusal nor cascade).

use super::api::{Answer, Context, FilePart, Handle, input};
use super::wire::{Failure, bad_parameter, fail, hex_id, page, page_of};
use crate::ErrorCode;
use crate::types::{
    Material, ProgramItemRequestBase, ProgramItemResponseBase, ProgramResponseBase, PublicationResponseBase,
    PublishDeptResponseDto, PublishDeviceResponseDto, SearchMaterialsResponse, SearchProgramsResponse,
    SearchPublicationsResponse, ShowProgramResponse, ShowPublicationResponse,
};

const PICTURE_TYPES: &[&str] = &["image/jpeg", "image/png"];

/// Where the simulator serves the materials' pictures (their `filePath`).
pub(super) const MATERIALS_PATH: &str = "/simulator/materials";

struct Stored {
    id: String,
    name: String,
    bytes: usize,
    /// The picture and its type, served at `MATERIALS_PATH/<id>`.
    content: Option<(String, bytes::Bytes)>,
    resolution: String,
    updated: i64,
}

struct Program {
    id: String,
    name: String,
    items: Vec<ProgramItemRequestBase>,
    updated: i64,
}

struct Publication {
    id: String,
    name: String,
    start: i64,
    end: i64,
    depts: Vec<String>,
    devices: Vec<String>,
    programs: Vec<String>,
    created: i64,
    updated: i64,
}

#[derive(Default)]
pub(super) struct InfoWindow {
    materials: Vec<Stored>,
    programs: Vec<Program>,
    publications: Vec<Publication>,
}

impl InfoWindow {
    /// The examples' world: the materials, programs (with the items show_program's example
    /// lists) and publications (with show_publication's programs) the list examples show.
    pub(super) fn seed_examples(&mut self, examples: &super::examples::SpecExamples) {
        use serde_json::Value;
        let listed = |op: &str| -> Vec<Value> {
            examples
                .response(op)
                .and_then(|r| r.get("data"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
        let number = |v: &Value, key: &str| v.get(key).and_then(Value::as_i64).unwrap_or_default();
        for m in listed("search_materials") {
            self.materials.push(Stored {
                id: text(&m, "id"),
                name: text(&m, "materialName"),
                bytes: 0,
                content: None,
                resolution: text(&m, "materialResolution"),
                updated: 0,
            });
        }
        let shown = examples.response("show_program");
        for p in listed("search_programs") {
            let id = text(&p, "id");
            let items = shown
                .filter(|s| s.get("id").and_then(Value::as_str) == Some(id.as_str()))
                .and_then(|s| s.get("programItemList"))
                .and_then(|items| serde_json::from_value::<Vec<ProgramItemRequestBase>>(items.clone()).ok())
                .unwrap_or_default();
            self.programs.push(Program {
                id,
                name: text(&p, "programName"),
                items,
                updated: number(&p, "updateTime"),
            });
        }
        let shown = examples.response("show_publication");
        for p in listed("search_publications") {
            let id = text(&p, "id");
            let programs = shown
                .filter(|s| s.get("id").and_then(Value::as_str) == Some(id.as_str()))
                .and_then(|s| s.get("programList"))
                .and_then(Value::as_array)
                .map(|list| list.iter().map(|x| text(x, "id")).collect())
                .unwrap_or_default();
            self.publications.push(Publication {
                id,
                name: text(&p, "publishName"),
                start: number(&p, "startTime"),
                end: number(&p, "endTime"),
                depts: Vec::new(),
                devices: Vec::new(),
                programs,
                created: number(&p, "createTime"),
                updated: number(&p, "updateTime"),
            });
        }
    }
}

fn unknown(kind: &str, id: &str) -> Failure {
    bad_parameter(format!("{kind} {id} does not exist"))
}

/// `462.71KB` as the service writes sizes.
fn size_text(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.2}MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{:.2}KB", bytes as f64 / 1024.0)
    }
}

impl InfoWindow {
    fn material(&self, id: &str) -> Option<&Stored> {
        self.materials.iter().find(|m| m.id == id)
    }

    /// A material's picture and its type.
    pub(super) fn picture(&self, id: &str) -> Option<(String, bytes::Bytes)> {
        self.material(id).and_then(|m| m.content.clone())
    }

    fn check_items(&self, items: &[ProgramItemRequestBase]) -> Result<(), Failure> {
        match items.iter().find(|i| self.material(&i.material_id).is_none()) {
            Some(missing) => Err(unknown("material", &missing.material_id)),
            None => Ok(()),
        }
    }

    fn check_programs(&self, programs: &[String], start: i64, end: i64) -> Result<(), Failure> {
        if start >= end {
            return Err(bad_parameter("startTime must be before endTime"));
        }
        match programs.iter().find(|p| !self.programs.iter().any(|x| x.id == **p)) {
            Some(missing) => Err(unknown("program", missing)),
            None => Ok(()),
        }
    }

    fn program_result(&self, p: &Program) -> ProgramResponseBase {
        let bytes: usize = p
            .items
            .iter()
            .filter_map(|i| self.material(&i.material_id))
            .map(|m| m.bytes)
            .sum();
        ProgramResponseBase {
            id: Some(p.id.clone()),
            program_name: Some(p.name.clone()),
            play_time: Some(p.items.iter().map(|i| i.play_time).sum()),
            material_size_str: Some(size_text(bytes)),
            update_time: Some(p.updated),
            last_updated_by: Some("admin".into()),
        }
    }
}

/// A publication's status at `now` (milliseconds): before, during or after its period.
fn status(p: &Publication, now: i64) -> &'static str {
    if now < p.start {
        "NOT_ONLINE"
    } else if now < p.end {
        "PUBLISHING"
    } else {
        "ALREADY_OFFLINE"
    }
}

/// A JPEG or PNG picture; its name is its file name.
impl Handle<input::AddMaterial> for InfoWindow {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::AddMaterial) -> Answer<()> {
        let FilePart {
            file_name,
            content_type,
            bytes,
            ..
        } = input.file;
        let kind = content_type.unwrap_or_default();
        if !PICTURE_TYPES.contains(&kind.as_str()) {
            return Err(fail(
                415,
                ErrorCode::InvalidParameter,
                format!("a material is JPEG or PNG, not {kind:?}"),
            ));
        }
        let resolution = imagesize::blob_size(&bytes)
            .map(|size| format!("{}*{}", size.width, size.height))
            .unwrap_or_default();
        self.materials.push(Stored {
            id: hex_id(),
            name: file_name.unwrap_or_else(|| "material".into()),
            bytes: bytes.len(),
            content: Some((kind, bytes.clone())),
            resolution,
            updated: cx.now.timestamp_millis(),
        });
        Ok(())
    }
}

impl Handle<input::BatchDeleteMaterials> for InfoWindow {
    fn handle(&mut self, _: &mut Context<'_>, input: input::BatchDeleteMaterials) -> Answer<()> {
        if let Some((material, program)) = input.body.iter().find_map(|id| {
            self.programs
                .iter()
                .find(|p| p.items.iter().any(|i| i.material_id == *id))
                .map(|p| (id, &p.name))
        }) {
            return Err(bad_parameter(format!(
                "material {material} is shown by program {program:?}"
            )));
        }
        self.materials.retain(|m| !input.body.contains(&m.id));
        Ok(())
    }
}

impl Handle<input::SearchMaterials> for InfoWindow {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::SearchMaterials) -> Answer<SearchMaterialsResponse> {
        let (offset, limit) = page(input.offset, input.limit, 10);
        let key = input.search_key.unwrap_or_default();
        let materials: Vec<Material> = self
            .materials
            .iter()
            .filter(|m| m.name.contains(&key))
            .map(|m| Material {
                id: Some(m.id.clone()),
                material_name: Some(m.name.clone()),
                material_resolution: Some(m.resolution.clone()),
                material_size_str: Some(size_text(m.bytes)),
                file_path: Some(format!("{}{MATERIALS_PATH}/{}", cx.base_url, m.id)),
                update_time: Some(m.updated.into()),
                last_updated_by: Some("admin".into()),
            })
            .collect();
        Ok(page_of!(SearchMaterialsResponse, materials, offset, limit))
    }
}

/// Renames the material (the picture itself cannot be replaced).
impl Handle<input::UpdateMaterial> for InfoWindow {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::UpdateMaterial) -> Answer<()> {
        let material = self
            .materials
            .iter_mut()
            .find(|m| m.id == input.id)
            .ok_or_else(|| unknown("material", &input.id))?;
        if let Some(name) = input.body.material_name {
            material.name = name;
        }
        material.updated = cx.now.timestamp_millis();
        Ok(())
    }
}

impl Handle<input::AddProgram> for InfoWindow {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::AddProgram) -> Answer<()> {
        self.check_items(&input.body.program_item_list)?;
        self.programs.push(Program {
            id: hex_id(),
            name: input.body.program_name,
            items: input.body.program_item_list,
            updated: cx.now.timestamp_millis(),
        });
        Ok(())
    }
}

impl Handle<input::BatchDeletePrograms> for InfoWindow {
    fn handle(&mut self, _: &mut Context<'_>, input: input::BatchDeletePrograms) -> Answer<()> {
        if let Some((program, publication)) = input.body.iter().find_map(|id| {
            self.publications
                .iter()
                .find(|p| p.programs.contains(id))
                .map(|p| (id, &p.name))
        }) {
            return Err(bad_parameter(format!(
                "program {program} is shown by publication {publication:?}"
            )));
        }
        self.programs.retain(|p| !input.body.contains(&p.id));
        Ok(())
    }
}

impl Handle<input::SearchPrograms> for InfoWindow {
    fn handle(&mut self, _: &mut Context<'_>, input: input::SearchPrograms) -> Answer<SearchProgramsResponse> {
        let (offset, limit) = page(input.offset, input.limit, 10);
        let key = input.search_key.unwrap_or_default();
        let programs: Vec<ProgramResponseBase> = self
            .programs
            .iter()
            .filter(|p| p.name.contains(&key))
            .map(|p| self.program_result(p))
            .collect();
        Ok(page_of!(SearchProgramsResponse, programs, offset, limit))
    }
}

impl Handle<input::ShowProgram> for InfoWindow {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::ShowProgram) -> Answer<ShowProgramResponse> {
        let p = self
            .programs
            .iter()
            .find(|p| p.id == input.id)
            .ok_or_else(|| unknown("program", &input.id))?;
        let base = self.program_result(p);
        Ok(ShowProgramResponse {
            id: base.id,
            program_name: base.program_name,
            play_time: base.play_time,
            material_size_str: base.material_size_str,
            update_time: base.update_time,
            last_updated_by: base.last_updated_by,
            program_item_list: Some(
                p.items
                    .iter()
                    .map(|i| ProgramItemResponseBase {
                        material_id: Some(i.material_id.clone()),
                        material_name: self.material(&i.material_id).map(|m| m.name.clone()),
                        play_time: Some(i.play_time),
                        file_path: Some(format!("{}{MATERIALS_PATH}/{}", cx.base_url, i.material_id)),
                    })
                    .collect(),
            ),
        })
    }
}

/// Replaces the name and the whole list of materials.
impl Handle<input::UpdateProgram> for InfoWindow {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::UpdateProgram) -> Answer<()> {
        self.check_items(&input.body.program_item_list)?;
        let program = self
            .programs
            .iter_mut()
            .find(|p| p.id == input.id)
            .ok_or_else(|| unknown("program", &input.id))?;
        program.name = input.body.program_name;
        program.items = input.body.program_item_list;
        program.updated = cx.now.timestamp_millis();
        Ok(())
    }
}

impl Handle<input::AddPublication> for InfoWindow {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::AddPublication) -> Answer<()> {
        let b = input.body;
        self.check_programs(&b.program_list, b.start_time, b.end_time)?;
        let now = cx.now.timestamp_millis();
        self.publications.push(Publication {
            id: hex_id(),
            name: b.publish_name,
            start: b.start_time,
            end: b.end_time,
            depts: b.dept_list,
            devices: b.device_list,
            programs: b.program_list,
            created: now,
            updated: now,
        });
        Ok(())
    }
}

impl Handle<input::BatchDeletePublications> for InfoWindow {
    fn handle(&mut self, _: &mut Context<'_>, input: input::BatchDeletePublications) -> Answer<()> {
        self.publications.retain(|p| !input.body.contains(&p.id));
        Ok(())
    }
}

fn publication_result(p: &Publication, now: i64) -> PublicationResponseBase {
    PublicationResponseBase {
        id: Some(p.id.clone()),
        publish_name: Some(p.name.clone()),
        start_time: Some(p.start),
        end_time: Some(p.end),
        publish_status: Some(status(p, now).into()),
        publish_scope: Some(String::new()),
        create_time: Some(p.created),
        update_time: Some(p.updated),
        last_updated_by: Some("admin".into()),
    }
}

impl Handle<input::SearchPublications> for InfoWindow {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::SearchPublications) -> Answer<SearchPublicationsResponse> {
        let (offset, limit) = page(input.offset, input.limit, 10);
        let key = input.search_key.unwrap_or_default();
        let now = cx.now.timestamp_millis();
        let publications: Vec<PublicationResponseBase> = self
            .publications
            .iter()
            .filter(|p| p.name.contains(&key))
            .map(|p| publication_result(p, now))
            .collect();
        Ok(page_of!(SearchPublicationsResponse, publications, offset, limit))
    }
}

impl Handle<input::ShowPublication> for InfoWindow {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::ShowPublication) -> Answer<ShowPublicationResponse> {
        let p = self
            .publications
            .iter()
            .find(|p| p.id == input.id)
            .ok_or_else(|| unknown("publication", &input.id))?;
        let base = publication_result(p, cx.now.timestamp_millis());
        Ok(ShowPublicationResponse {
            id: base.id,
            publish_name: base.publish_name,
            start_time: base.start_time,
            end_time: base.end_time,
            publish_status: base.publish_status,
            publish_scope: base.publish_scope,
            create_time: base.create_time,
            update_time: base.update_time,
            last_updated_by: base.last_updated_by,
            dept_list: Some(
                p.depts
                    .iter()
                    .map(|code| PublishDeptResponseDto {
                        dept_code: Some(code.clone()),
                        dept_name: None,
                    })
                    .collect(),
            ),
            device_list: Some(
                p.devices
                    .iter()
                    .map(|id| PublishDeviceResponseDto {
                        device_user_id: Some(id.clone()),
                        device_name: None,
                    })
                    .collect(),
            ),
            program_list: Some(
                self.programs
                    .iter()
                    .filter(|x| p.programs.contains(&x.id))
                    .map(|x| self.program_result(x))
                    .collect(),
            ),
        })
    }
}

/// Replaces everything.
impl Handle<input::UpdatePublication> for InfoWindow {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::UpdatePublication) -> Answer<()> {
        let b = input.body;
        self.check_programs(&b.program_list, b.start_time, b.end_time)?;
        let p = self
            .publications
            .iter_mut()
            .find(|p| p.id == input.id)
            .ok_or_else(|| unknown("publication", &input.id))?;
        p.name = b.publish_name;
        p.start = b.start_time;
        p.end = b.end_time;
        p.depts = b.dept_list;
        p.devices = b.device_list;
        p.programs = b.program_list;
        p.updated = cx.now.timestamp_millis();
        Ok(())
    }
}
