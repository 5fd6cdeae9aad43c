//! Multi-picture layouts saved for a meeting in progress: saved, listed, deleted, and released
//! when the meeting ends (they live in its holding's state); and the custom multi-picture.

use super::{HOST, Meetings};
use crate::simulator::api::{Answer, Context, Handle, input};
use crate::simulator::wire::bad_request;
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

/// A manual multi-picture names its picture type and who is in each picture, by number;
/// everyone named must be a participant. Saved only, it does not change what is shown.
impl Handle<input::SetCustomMultiPicture> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::SetCustomMultiPicture) -> Answer<()> {
        let request = input.body;
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let picture = if request.manual_set == 1 {
            let image = request
                .image_type
                .ok_or_else(|| bad_request("imageType is required for a manual multi-picture (manualSet 1)"))?;
            if request.subscriber_in_pics.is_empty() {
                return Err(bad_request(
                    "subscriberInPics is required for a manual multi-picture (manualSet 1)",
                ));
            }
            let unknown = request
                .subscriber_in_pics
                .iter()
                .flat_map(|picture| &picture.subscriber)
                .find(|number| !meeting.participants.iter().any(|p| p.number == **number));
            if let Some(unknown) = unknown {
                return Err(bad_request(format!(
                    "subscriber {unknown} is not a participant of the meeting"
                )));
            }
            image.to_string()
        } else {
            "automatic".to_owned()
        };
        let controls = &mut meeting.live.as_mut().expect("in progress").controls;
        if request.multi_pic_save_only != Some(true) {
            controls.layout = Some(format!("custom multi-picture {picture}"));
            meeting.log_control(cx.now, HOST, "SET_CUSTOM_MULTI_PICTURE", &picture);
        }
        meeting.live.as_mut().expect("in progress").controls.custom_picture = Some(picture);
        Ok(())
    }
}
