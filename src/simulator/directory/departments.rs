//! The handlers of the department operations.

use super::*;

impl Handle<input::AddDepartment> for Directory {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::AddDepartment) -> Answer<AddDepartmentResponse> {
        let request = input.body;
        let parent = request.parent_dept_code.clone().unwrap_or_else(|| ROOT.to_owned());
        self.department(&parent)?;
        if self
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
            Some(code) if self.departments.contains_key(&code) => {
                return Err(invalid(format!("deptCode {code} already exists")));
            }
            Some(code) => code,
            None => (1..)
                .map(|n| format!("{parent}-{n:03}"))
                .find(|c| !self.departments.contains_key(c))
                .expect("a free code"),
        };
        self.departments.insert(
            code.clone(),
            Department {
                name: request.dept_name,
                parent: Some(parent),
                note: request.note,
                sort_level: request.sort_level.unwrap_or(10000),
            },
        );
        Ok(AddDepartmentResponse { value: Some(code) })
    }
}

impl Handle<input::UpdateDepartment> for Directory {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::UpdateDepartment) -> Answer<()> {
        let change = input.body;
        let code = input.dept_code;
        self.department(&code)?;
        if let Some(parent) = &change.parent_dept_code {
            self.department(parent)?;
            // A department cannot move under itself or one of its own.
            if code == ROOT || self.subtree(&code).contains(parent) {
                return Err(invalid(format!(
                    "parentDeptCode {parent}: would put {code} under itself"
                )));
            }
        }
        let dept = self.departments.get_mut(&code).expect("checked");
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
        Ok(())
    }
}

/// The root, and a department with users or sub-departments, cannot be deleted.
impl Handle<input::DeleteDepartment> for Directory {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::DeleteDepartment) -> Answer<()> {
        let code = input.dept_code;
        if code == ROOT {
            return Err(fail(
                400,
                ErrorCode::TopDepartmentProtected,
                "The top-level department cannot be deleted",
            ));
        }
        self.department(&code)?;
        if self
            .departments
            .values()
            .any(|d| d.parent.as_deref() == Some(code.as_str()))
        {
            return Err(invalid(format!(
                "department {code} has sub-departments: delete or move them first"
            )));
        }
        if self.users.iter().any(|u| u.dept_code == code) {
            return Err(invalid(format!(
                "department {code} has users: delete or move them first"
            )));
        }
        self.departments.remove(&code);
        Ok(())
    }
}

impl Handle<input::ShowDepartment> for Directory {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::ShowDepartment) -> Answer<ShowDepartmentResponse> {
        let code = input.dept_code;
        let dept = self.department(&code)?;
        let is_leaf = |c: &str| !self.departments.values().any(|d| d.parent.as_deref() == Some(c));
        Ok(ShowDepartmentResponse {
            dept_code: Some(code.clone()),
            dept_name: Some(dept.name.clone()),
            is_leaf_nodes: Some(is_leaf(&code)),
            child_depts: Some(
                self.departments
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
}

impl Handle<input::SearchDepartmentByName> for Directory {
    fn handle(
        &mut self,
        _cx: &mut Context<'_>,
        input: input::SearchDepartmentByName,
    ) -> Answer<Vec<QueryDeptResultDto>> {
        let name = input.dept_name;
        Ok(self
            .departments
            .iter()
            .filter(|(_, d)| d.name.contains(&name))
            .map(|(code, _)| self.dept_result(code))
            .collect())
    }
}

impl Directory {
    /// A department as the department queries answer it.
    pub(super) fn dept_result(&self, code: &str) -> QueryDeptResultDto {
        let d = &self.departments[code];
        QueryDeptResultDto {
            dept_code: Some(code.to_owned()),
            dept_level: Some(int32(self.path(code, false).split('#').count())),
            dept_name: Some(d.name.clone()),
            dept_name_path: Some(self.path(code, true)),
            dept_code_path: Some(self.path(code, false)),
            is_leaf_node: Some(!self.departments.values().any(|c| c.parent.as_deref() == Some(code))),
            parent_dept_code: d.parent.clone(),
            note: d.note.clone(),
            sort_level: Some(d.sort_level),
            in_permission: Some("UNLIMITED".into()),
            out_permission: Some("UNLIMITED".into()),
            ..QueryDeptResultDto::default()
        }
    }
}
