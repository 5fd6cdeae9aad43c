//! The handlers of the user operations. Every change of how a user signs in is told to the
//! other areas (`UserChanged`, `UserRemoved`).

use super::*;

impl Handle<input::AddUser> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::AddUser) -> Answer<QueryUserResultDto> {
        let request = input.body;
        let id = cx.new_id();
        let account = request
            .account
            .clone()
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| id.clone());
        if request.phone.is_none() && request.email.is_none() {
            return Err(invalid("phone or email: at least one is mandatory"));
        }
        if self.users.iter().any(|u| u.account == account) {
            return Err(fail(
                400,
                ErrorCode::UserIdExists,
                format!("User ID {account} already exists"),
            ));
        }
        if let Some(third) = request.third_account.as_deref().filter(|t| !t.is_empty())
            && self.users.iter().any(|u| u.third_account.as_deref() == Some(third))
        {
            return Err(fail(
                400,
                ErrorCode::UserIdExists,
                format!("Third-party user ID {third} already exists"),
            ));
        }
        self.check_contact(request.phone.as_deref(), request.email.as_deref(), None)?;
        let dept_code = request.dept_code.clone().unwrap_or_else(|| ROOT.to_owned());
        self.department(&dept_code)?;
        self.users.push(User {
            id,
            account,
            third_account: request.third_account.filter(|t| !t.is_empty()),
            name: request.name,
            english_name: request.english_name,
            phone: request.phone,
            // The service's default country of the mobile number.
            country: Some(request.country.unwrap_or_else(|| "chinaPR".into())),
            email: request.email,
            password: request.pwd,
            dept_code,
            title: request.title,
            desc: request.desc,
            signature: request.signature,
            sort_level: request.sort_level.unwrap_or(10000),
            hide_phone: request.hide_phone.unwrap_or(false),
            status: request.status.unwrap_or(0),
            admin_type: MEMBER,
            created: cx.now,
            user_type: ORDINARY_USER,
            activated: true,
        });
        let user = self.users.last().expect("just added");
        cx.emit(user.changed());
        Ok(self.user_result(user))
    }
}

impl Handle<input::SearchUsers> for Directory {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::SearchUsers) -> Answer<SearchUsersResponse> {
        let (offset, limit) = page(input.offset, input.limit, 10);
        let key = input.search_key.unwrap_or_default();
        let departments = self.scope(input.dept_code, input.enable_sub_dept);
        // `userType` is comma-separated (the spec's pattern checked it); ordinary users by
        // default.
        let types: Vec<i32> = input
            .user_type
            .as_deref()
            .unwrap_or("2")
            .split(',')
            .filter_map(|t| t.parse().ok())
            .collect();
        let mut users: Vec<&User> = self
            .users
            .iter()
            .filter(|u| {
                key.is_empty()
                    || [
                        Some(&u.name),
                        Some(&u.account),
                        u.phone.as_ref(),
                        u.email.as_ref(),
                        u.third_account.as_ref(),
                    ]
                    .into_iter()
                    .flatten()
                    .any(|field| field.contains(&key))
            })
            .filter(|u| departments.as_ref().is_none_or(|d| d.contains(&u.dept_code)))
            .filter(|u| input.status.is_none_or(|s| s == u.status))
            .filter(|u| input.admin_type.is_none_or(|a| a == u.admin_type))
            .filter(|u| types.contains(&u.user_type))
            .filter(|u| u.activated || input.contains_un_active == Some(true))
            .collect();
        users.sort_by_key(|u| (u.sort_level, u.created));
        if input.is_asc == Some(false) {
            users.reverse();
        }
        let users = users
            .into_iter()
            .map(|u| SearchUserResultDto {
                id: Some(u.id.clone()),
                user_account: Some(u.account.clone()),
                name: Some(u.name.clone()),
                english_name: u.english_name.clone(),
                phone: u.phone.clone(),
                country: u.country.clone(),
                email: u.email.clone(),
                vmr_id: self.vmr_of(u),
                dept_code: Some(u.dept_code.clone()),
                dept_name_path: Some(self.path(&u.dept_code, true)),
                user_type: Some(u.user_type),
                admin_type: Some(u.admin_type),
                title: u.title.clone(),
                desc: u.desc.clone(),
                status: Some(u.status),
                sort_level: Some(u.sort_level),
                hide_phone: Some(u.hide_phone),
                third_account: u.third_account.clone(),
                license: Some(0),
                active_time: Some(u.created.timestamp_millis()),
                ..SearchUserResultDto::default()
            })
            .collect();
        Ok(page_of!(SearchUsersResponse, users, offset, limit))
    }
}

impl Handle<input::ShowUserDetail> for Directory {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::ShowUserDetail) -> Answer<QueryUserResultDto> {
        let user = self
            .find(&input.account, input.account_type)
            .ok_or_else(|| user_not_found(&input.account))?;
        Ok(self.user_result(user))
    }
}

/// Changes the fields the body carries; the others stay as they are.
impl Handle<input::UpdateUser> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::UpdateUser) -> Answer<QueryUserResultDto> {
        let change = input.body;
        let index = self.position(&input.account, input.account_type)?;
        let id = self.users[index].id.clone();
        self.check_contact(change.phone.as_deref(), change.email.as_deref(), Some(&id))?;
        if let Some(code) = &change.dept_code {
            self.department(code)?;
        }
        let user = &mut self.users[index];
        macro_rules! set {
            ($($field:ident),*) => { $( if let Some(value) = change.$field.clone() { user.$field = Some(value); } )* };
        }
        set!(english_name, phone, country, email, title, desc, signature);
        if let Some(name) = change.name {
            user.name = name;
        }
        if let Some(code) = change.dept_code {
            user.dept_code = code;
        }
        if let Some(level) = change.sort_level {
            user.sort_level = level;
        }
        if let Some(hide) = change.hide_phone {
            user.hide_phone = hide;
        }
        if let Some(status) = change.status {
            user.status = status;
        }
        let user = &self.users[index];
        cx.emit(user.changed());
        Ok(self.user_result(user))
    }
}

impl Directory {
    /// The users the accounts of a batch body name, each of which must exist.
    pub(super) fn existing(&self, accounts: &[String], account_type: Option<i32>) -> Result<Vec<usize>, Failure> {
        accounts.iter().map(|a| self.position(a, account_type)).collect()
    }

    /// Refuses a batch that would delete or demote the default administrator, who always
    /// stays.
    pub(super) fn sparing_the_default_admin(&self, users: &[usize], done_to_them: &str) -> Result<(), Failure> {
        if users.iter().any(|&i| self.users[i].admin_type == DEFAULT_ADMIN) {
            return Err(fail(
                400,
                ErrorCode::DefaultAdminProtected,
                format!("The default administrator cannot be {done_to_them}"),
            ));
        }
        Ok(())
    }
}

impl Handle<input::BatchDeleteUsers> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::BatchDeleteUsers) -> Answer<()> {
        let indexes = self.existing(&input.body, input.account_type)?;
        self.sparing_the_default_admin(&indexes, "deleted")?;
        let mut ids = Vec::new();
        for &i in &indexes {
            let user = &self.users[i];
            if !ids.contains(&user.id) {
                ids.push(user.id.clone());
                cx.emit(Event::UserRemoved {
                    account: user.account.clone(),
                    third_account: user.third_account.clone(),
                });
            }
        }
        self.users.retain(|u| !ids.contains(&u.id));
        Ok(())
    }
}

/// Enables (0) or disables (1) users: a disabled user cannot obtain a token.
impl Handle<input::BatchUpdateUserStatus> for Directory {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::BatchUpdateUserStatus) -> Answer<()> {
        let indexes = self.existing(&input.body, input.account_type)?;
        for i in indexes {
            self.users[i].status = input.value;
            cx.emit(self.users[i].changed());
        }
        Ok(())
    }
}
