//! Uploading a 100 MB file from a path streams it: the client's peak resident memory grows by
//! less than 20 MB. The server on 127.0.0.1 reads the body chunk by chunk and discards it, so
//! its memory stays small too (it runs in this process: it is counted). Linux only (it reads
//! `/proc/self/status`); this test is alone in its binary, so no other test's memory counts.

#![cfg(target_os = "linux")]

use futures::StreamExt as _;
use huaweicloud_meeting::{Client, Credentials, Upload};

/// A `VmHWM`/`VmRSS` figure of this process, in bytes.
fn memory(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

/// Answers every upload after reading and discarding its body; the bytes it read.
async fn discarding_server() -> (String, std::sync::Arc<std::sync::atomic::AtomicU64>) {
    use std::sync::atomic::{AtomicU64, Ordering};
    let received = std::sync::Arc::new(AtomicU64::new(0));
    let counter = received.clone();
    let app = axum::Router::new().fallback(move |body: axum::body::Body| {
        let counter = counter.clone();
        async move {
            let mut stream = body.into_data_stream();
            while let Some(Ok(chunk)) = stream.next().await {
                counter.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            }
            ([("content-type", "application/json")], r#"{"fileId":"discarded"}"#)
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_mb_upload_from_a_path_keeps_memory_flat() {
    const SIZE: u64 = 100 * 1024 * 1024;
    let dir = std::env::temp_dir().join(format!("upload-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.bin");
    {
        use std::io::Write as _;
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let chunk = vec![0x5au8; 1024 * 1024];
        for _ in 0..100 {
            file.write_all(&chunk).unwrap();
        }
    }
    let (url, received) = discarding_server().await;
    let client = Client::builder()
        .endpoint(url)
        .credentials(Credentials::access_token("fixed-token"))
        .build()
        .unwrap();
    // A first small call sets up the connection pool and the runtime's buffers.
    client
        .upload_file()
        .file(Upload::bytes("small.bin", vec![0u8; 1024]))
        .send()
        .await
        .unwrap();
    let before = memory("VmHWM:");
    client.upload_file().file(Upload::path(&path)).send().await.unwrap();
    let after = memory("VmHWM:");
    std::fs::remove_dir_all(&dir).unwrap();
    let read = received.load(std::sync::atomic::Ordering::Relaxed);
    assert!(read > SIZE, "the server read the whole body ({read} bytes)");
    let growth = after.saturating_sub(before);
    println!(
        "peak resident memory grew by {} KiB for a {} MiB upload",
        growth / 1024,
        SIZE >> 20
    );
    assert!(growth < 20 * 1024 * 1024, "peak memory grew by {growth} bytes");
}
