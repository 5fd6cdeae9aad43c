//! The handlers of the department operations.

use super::*;

pub(super) fn add_department(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: DeptDto = call.parse()?;
    let directory = &mut service.directory;
    let parent = request.parent_dept_code.clone().unwrap_or_else(|| ROOT.to_owned());
    directory.department(&parent)?;
    if directory
        .departments
        .iter()
        .any(|(_, d)| d.parent.as_deref() == Some(parent.as_str()) && d.name == request.dept_name)
    {
        return Err(invalid(format!(
            "deptName {:?}: the parent department has one of that name already",
            request.dept_name
        )));
    }
    let code = match request.dept_code.clone().filter(|c| !c.is_empty()) {
        Some(code) if directory.departments.contains_key(&code) => {
            return Err(invalid(format!("deptCode {code} already exists")));
        }
        Some(code) => code,
        None => (1..)
            .map(|n| format!("{parent}-{n:03}"))
            .find(|c| !directory.departments.contains_key(c))
            .expect("a free code"),
    };
    directory.departments.insert(
        code.clone(),
        Department {
            name: request.dept_name,
            parent: Some(parent),
            note: request.note,
            sort_level: request.sort_level.unwrap_or(10000),
        },
    );
    reply(&AddDepartmentResponse { value: Some(code) })
}

pub(super) fn update_department(service: &mut Service, call: &Call<'_>) -> Outcome {
    let change: ModDeptDto = call.parse()?;
    let code = call.last_segment();
    let directory = &mut service.directory;
    directory.department(&code)?;
    if let Some(parent) = &change.parent_dept_code {
        directory.department(parent)?;
        // A department cannot move under itself or one of its own.
        if code == ROOT || directory.subtree(&code).contains(parent) {
            return Err(invalid(format!(
                "parentDeptCode {parent}: would put {code} under itself"
            )));
        }
    }
    let dept = directory.departments.get_mut(&code).expect("checked");
    if let Some(name) = change.dept_name {
        dept.name = name;
    }
    if change.parent_dept_code.is_some() {
        dept.parent = change.parent_dept_code;
    }
    if change.note.is_some() {
        dept.note = change.note;
    }
    if let Some(level) = change.sort_level {
        dept.sort_level = level;
    }
    Ok(None)
}

/// The root, and a department with users or sub-departments, cannot be deleted.
pub(super) fn delete_department(service: &mut Service, call: &Call<'_>) -> Outcome {
    let code = call.last_segment();
    let directory = &mut service.directory;
    if code == ROOT {
        return Err(fail(400, "USG.201030006", "The top-level department cannot be deleted"));
    }
    directory.department(&code)?;
    if directory
        .departments
        .values()
        .any(|d| d.parent.as_deref() == Some(code.as_str()))
    {
        return Err(invalid(format!(
            "department {code} has sub-departments: delete or move them first"
        )));
    }
    if directory.users.iter().any(|u| u.dept_code == code) {
        return Err(invalid(format!(
            "department {code} has users: delete or move them first"
        )));
    }
    directory.departments.remove(&code);
    Ok(None)
}

pub(super) fn show_department(service: &mut Service, call: &Call<'_>) -> Outcome {
    let code = call.last_segment();
    let directory = &service.directory;
    let dept = directory.department(&code)?;
    let is_leaf = |c: &str| !directory.departments.values().any(|d| d.parent.as_deref() == Some(c));
    reply(&ShowDepartmentResponse {
        dept_code: Some(code.clone()),
        dept_name: Some(dept.name.clone()),
        is_leaf_nodes: Some(is_leaf(&code)),
        child_depts: Some(
            directory
                .departments
                .iter()
                .filter(|(_, d)| d.parent.as_deref() == Some(code.as_str()))
                .map(|(c, d)| ChildDeptDto {
                    dept_code: Some(c.clone()),
                    dept_name: Some(d.name.clone()),
                    is_leaf_nodes: Some(is_leaf(c)),
                })
                .collect(),
        ),
    })
}

pub(super) fn search_department_by_name(service: &mut Service, call: &Call<'_>) -> Outcome {
    let name = call.param("deptName").unwrap_or_default();
    let directory = &service.directory;
    let found: Vec<QueryDeptResultDto> = directory
        .departments
        .iter()
        .filter(|(_, d)| d.name.contains(&name))
        .map(|(code, d)| QueryDeptResultDto {
            dept_code: Some(code.clone()),
            dept_level: Some(int32(directory.path(code, false).split('#').count())),
            dept_name: Some(d.name.clone()),
            dept_name_path: Some(directory.path(code, true)),
            dept_code_path: Some(directory.path(code, false)),
            is_leaf_node: Some(
                !directory
                    .departments
                    .values()
                    .any(|c| c.parent.as_deref() == Some(code.as_str())),
            ),
            parent_dept_code: d.parent.clone(),
            note: d.note.clone(),
            sort_level: Some(d.sort_level),
            in_permission: Some("UNLIMITED".into()),
            out_permission: Some("UNLIMITED".into()),
            ..QueryDeptResultDto::default()
        })
        .collect();
    reply(&found)
}
