//! The info window's chain (issue 28): a picture uploaded as a material, a program showing it,
//! a publication showing the program for a period; what is in use is not deleted.

mod common;

use huaweicloud_meeting::Upload;
use huaweicloud_meeting::simulator::Simulator;
use huaweicloud_meeting::types::{
    CreateProgramRequestDto, CreatePublicationRequestDto, ProgramItemRequestBase, UpdateMaterialRequestDto,
};

#[tokio::test]
async fn materials_programs_and_publications_chain_and_protect_what_is_used() {
    let sim = Simulator::start().await.unwrap();
    let admin = sim.client_builder().build().unwrap();
    admin
        .add_material()
        .file(Upload::path(common::EXAMPLE_PICTURE))
        .send()
        .await
        .unwrap();
    // Not a picture: refused before sending.
    let error = admin
        .add_material()
        .file(Upload::bytes("notes.txt", b"text".to_vec()))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, huaweicloud_meeting::Error::InvalidInput { .. }),
        "{error:?}"
    );
    let materials = admin
        .search_materials()
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap();
    assert_eq!(materials.len(), 1);
    let material = materials[0].id.clone().unwrap();
    assert_eq!(
        materials[0].material_name.as_deref(),
        Some("picture.png"),
        "named after the file"
    );
    // Its picture is served at its filePath.
    let served = common::raw_http()
        .build()
        .unwrap()
        .get(materials[0].file_path.clone().unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(served, std::fs::read(common::EXAMPLE_PICTURE).unwrap());
    admin
        .update_material()
        .id(&material)
        .body(UpdateMaterialRequestDto::builder().material_name("Welcome banner"))
        .send()
        .await
        .unwrap();

    let item = || -> ProgramItemRequestBase {
        ProgramItemRequestBase::builder()
            .material_id(material.clone())
            .play_time(15)
            .try_into()
            .unwrap()
    };
    admin
        .add_program()
        .body(
            CreateProgramRequestDto::builder()
                .program_name("Reception loop")
                .program_item_list(vec![item()]),
        )
        .send()
        .await
        .unwrap();
    let programs = admin.search_programs().send().await.unwrap().into_inner().data.unwrap();
    let program = programs[0].id.clone().unwrap();
    assert_eq!(programs[0].play_time, Some(15));
    let shown = admin.show_program().id(&program).send().await.unwrap().into_inner();
    assert_eq!(
        shown.program_item_list.unwrap()[0].material_name.as_deref(),
        Some("Welcome banner")
    );

    // A publication for a period: showing now.
    let now = sim.now().timestamp_millis();
    let publication = |start: i64, end: i64| {
        CreatePublicationRequestDto::builder()
            .publish_name("Reception screens")
            .start_time(start)
            .end_time(end)
            .dept_list(vec!["1".to_owned()])
            .device_list(Vec::<String>::new())
            .program_list(vec![program.clone()])
    };
    let error = admin
        .add_publication()
        .body(publication(now, now - 1))
        .send()
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("startTime must be before endTime"),
        "{error}"
    );
    admin
        .add_publication()
        .body(publication(now - 1000, now + 3_600_000))
        .send()
        .await
        .unwrap();
    let publications = admin
        .search_publications()
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap();
    assert_eq!(publications[0].publish_status.as_deref(), Some("PUBLISHING"));
    let published = publications[0].id.clone().unwrap();

    // In use: the material by the program, the program by the publication.
    let error = admin
        .batch_delete_materials()
        .body(vec![material.clone()])
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("is shown by program"), "{error}");
    let error = admin
        .batch_delete_programs()
        .body(vec![program.clone()])
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("is shown by publication"), "{error}");
    // Removed from the top down, each goes.
    admin
        .batch_delete_publications()
        .body(vec![published])
        .send()
        .await
        .unwrap();
    admin.batch_delete_programs().body(vec![program]).send().await.unwrap();
    admin
        .batch_delete_materials()
        .body(vec![material])
        .send()
        .await
        .unwrap();
    assert_eq!(admin.search_materials().send().await.unwrap().count, Some(0));
}
