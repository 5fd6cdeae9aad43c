//! Multi-picture layouts saved for a meeting in progress: saved, listed, deleted, and released
//! when the meeting ends (they live in its holding's state).

use super::Meetings;
use crate::simulator::api::{Answer, Context, Handle, input};
use crate::types::ShowLayoutResponse;

/// A layout with the `uuid` of a saved one replaces it; one without is saved anew.
impl Handle<input::SaveLayout> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::SaveLayout) -> Answer<()> {
        let id = cx.new_id();
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let layouts = &mut meeting.live.as_mut().expect("in progress").controls.layouts;
        let mut layout = input.body.rest_pic_layout;
        match layout
            .uuid
            .as_deref()
            .and_then(|uuid| layouts.iter().position(|l| l.uuid.as_deref() == Some(uuid)))
        {
            Some(saved) => layouts[saved] = layout,
            None => {
                layout.uuid.get_or_insert(id);
                layouts.push(layout);
            }
        }
        Ok(())
    }
}

impl Handle<input::ShowLayout> for Meetings {
    fn handle(&mut self, _: &mut Context<'_>, input: input::ShowLayout) -> Answer<ShowLayoutResponse> {
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        Ok(ShowLayoutResponse {
            return_code: Some(0),
            return_desc: Some("success".into()),
            pic_layouts: meeting.live.as_ref().expect("in progress").controls.layouts.clone(),
        })
    }
}

/// Deleting a layout that is not saved changes nothing.
impl Handle<input::DeleteLayout> for Meetings {
    fn handle(&mut self, _: &mut Context<'_>, input: input::DeleteLayout) -> Answer<()> {
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let layouts = &mut meeting.live.as_mut().expect("in progress").controls.layouts;
        layouts.retain(|l| l.uuid.as_deref() != Some(input.uu_id.as_str()));
        Ok(())
    }
}
