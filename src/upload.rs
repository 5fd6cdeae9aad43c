//! Files sent as `multipart/form-data` (`upload_file` and, later, profile pictures and
//! info-window materials): the file as bytes, a path or a stream; its type read from its first
//! bytes, not from its name; the spec's limits checked before anything is sent; and a body
//! made anew for each attempt, so a retry re-sends bytes or re-reads the path, while a stream
//! is sent once.

// Only the groups with an upload operation use the machinery (webinars: upload_file).
#![cfg_attr(not(feature = "webinars"), allow(dead_code))]

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt as _, TryStreamExt as _};

use crate::Error;

/// A file to upload, with its name. Clones share the file (and a stream's one sending).
#[derive(Clone)]
pub struct Upload {
    name: String,
    source: Arc<Source>,
}

enum Source {
    Bytes(Bytes),
    Path(PathBuf),
    /// Taken by the one attempt that sends it.
    Stream(Mutex<Option<BoxStream<'static, io::Result<Bytes>>>>),
}

impl Upload {
    /// A file in memory: re-sent as is if a retry is needed.
    pub fn bytes(name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        Upload {
            name: name.into(),
            source: Arc::new(Source::Bytes(bytes.into())),
        }
    }

    /// A file on disk, named by its file name: streamed (never read into memory whole), and
    /// read again for a retry.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Upload {
            name,
            source: Arc::new(Source::Path(path)),
        }
    }

    /// A stream of the file's bytes: sent once (no retry, no replay after a token renewal).
    /// Its type and size cannot be read before sending, so an operation whose spec limits
    /// the file's type, size or picture refuses it.
    pub fn stream(name: impl Into<String>, stream: impl Stream<Item = io::Result<Bytes>> + Send + 'static) -> Self {
        Upload {
            name: name.into(),
            source: Arc::new(Source::Stream(Mutex::new(Some(stream.boxed())))),
        }
    }

    /// The file name sent with the file (a path's own name otherwise).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &*self.source {
            Source::Bytes(bytes) => format!("{} bytes", bytes.len()),
            Source::Path(path) => format!("path {}", path.display()),
            Source::Stream(_) => "a stream".to_owned(),
        };
        f.debug_struct("Upload")
            .field("name", &self.name)
            .field("source", &source)
            .finish()
    }
}

/// What the spec documents of an upload (`x-meeting-upload`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// The form part that carries the file.
    pub(crate) part: &'static str,
    pub(crate) max_bytes: Option<u64>,
    /// Accepted content types; empty: any.
    pub(crate) types: &'static [&'static str],
    pub(crate) max_pixels: Option<(u64, u64)>,
    /// Width to height.
    pub(crate) aspect: Option<(u64, u64)>,
}

/// How many first bytes are read to tell a picture's type and size.
const SNIFF: usize = 64 * 1024;

/// An upload about to be sent: the file, its checked type and size, the part it goes in.
pub(crate) struct Prepared {
    upload: Upload,
    limits: Limits,
    /// Read by `check` (bytes and paths).
    content_type: &'static str,
    length: Option<u64>,
}

fn refused(limits: &Limits, reason: String) -> Error {
    Error::invalid_input(format!("body part `{}`", limits.part), reason)
}

impl Prepared {
    /// The builder's file, which the operation requires.
    pub(crate) fn new(upload: Option<Upload>, limits: Limits) -> Result<Self, Error> {
        let upload = upload.ok_or_else(|| refused(&limits, "is required but was not set".into()))?;
        Ok(Prepared {
            upload,
            limits,
            content_type: "application/octet-stream",
            length: None,
        })
    }

    /// Reads what can be read before sending (size, type, picture size) and holds it to the
    /// spec's limits.
    pub(crate) async fn check(&mut self) -> Result<(), Error> {
        let limits = self.limits;
        let (length, head) = match &*self.upload.source {
            Source::Bytes(bytes) => (Some(bytes.len() as u64), bytes.slice(..bytes.len().min(SNIFF))),
            Source::Path(path) => {
                let unreadable = |e: io::Error| refused(&limits, format!("{}: {e}", path.display()));
                let length = tokio::fs::metadata(path).await.map_err(unreadable)?.len();
                let mut file = tokio::fs::File::open(path).await.map_err(unreadable)?;
                let mut head = vec![0; SNIFF.min(usize::try_from(length).unwrap_or(SNIFF))];
                tokio::io::AsyncReadExt::read_exact(&mut file, &mut head)
                    .await
                    .map_err(unreadable)?;
                (Some(length), Bytes::from(head))
            }
            Source::Stream(_) => {
                if limits.max_bytes.is_some() || !limits.types.is_empty() || limits.max_pixels.is_some() {
                    return Err(refused(
                        &limits,
                        "a stream cannot be checked against the spec's limits before it is sent: give bytes or a path"
                            .into(),
                    ));
                }
                (None, Bytes::new())
            }
        };
        self.length = length;
        self.content_type = match imagesize::image_type(&head) {
            Ok(imagesize::ImageType::Jpeg) => "image/jpeg",
            Ok(imagesize::ImageType::Png) => "image/png",
            _ => "application/octet-stream",
        };
        if let (Some(max), Some(length)) = (limits.max_bytes, length)
            && length > max
        {
            return Err(refused(
                &limits,
                format!("is {length} bytes, more than the limit of {max}"),
            ));
        }
        if !limits.types.is_empty() && !limits.types.contains(&self.content_type) {
            return Err(refused(
                &limits,
                format!(
                    "is {}, not one of {} (read from the file's first bytes)",
                    self.content_type,
                    limits.types.join(", ")
                ),
            ));
        }
        if limits.max_pixels.is_some() || limits.aspect.is_some() {
            let size = imagesize::blob_size(&head)
                .map_err(|e| refused(&limits, format!("its picture size cannot be read: {e}")))?;
            let (width, height) = (size.width as u64, size.height as u64);
            if let Some((max_w, max_h)) = limits.max_pixels.filter(|(w, h)| width > *w || height > *h) {
                return Err(refused(
                    &limits,
                    format!("is {width}x{height} pixels, more than {max_w}x{max_h}"),
                ));
            }
            if let Some((w, h)) = limits.aspect.filter(|(w, h)| width * h != height * w) {
                return Err(refused(&limits, format!("is {width}x{height} pixels, not {w}:{h}")));
            }
        }
        Ok(())
    }

    /// Whether a second attempt can send the file again.
    pub(crate) fn replayable(&self) -> bool {
        !matches!(*self.upload.source, Source::Stream(_))
    }

    /// `request` (which has no body) with the file as its multipart body, made anew; `None`
    /// when the file was a stream already sent.
    pub(crate) fn attach(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
    ) -> Option<Result<reqwest::Request, Error>> {
        let body = match &*self.upload.source {
            Source::Bytes(bytes) => reqwest::Body::from(bytes.clone()),
            Source::Path(path) => {
                let path = path.clone();
                // Opened when the body is first polled: each attempt reads the file anew.
                let stream = futures::stream::once(async move { tokio::fs::File::open(path).await })
                    .map_ok(tokio_util::io::ReaderStream::new)
                    .try_flatten();
                reqwest::Body::wrap_stream(stream)
            }
            Source::Stream(stream) => reqwest::Body::wrap_stream(stream.lock().ok()?.take()?),
        };
        let part = match self.length {
            Some(length) => reqwest::multipart::Part::stream_with_length(body, length),
            None => reqwest::multipart::Part::stream(body),
        };
        let built = part
            .file_name(self.upload.name.clone())
            .mime_str(self.content_type)
            .map_err(|e| refused(&self.limits, e.to_string()))
            .and_then(|part| {
                let form = reqwest::multipart::Form::new().part(self.limits.part, part);
                reqwest::RequestBuilder::from_parts(http.clone(), request)
                    .multipart(form)
                    .build()
                    .map_err(crate::error::unbuildable)
            });
        Some(built)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG_1X1: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1,
        8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
    ];

    fn limits(types: &'static [&'static str]) -> Limits {
        Limits {
            part: "file",
            max_bytes: Some(1000),
            types,
            max_pixels: Some((4096, 4096)),
            aspect: None,
        }
    }

    #[tokio::test]
    async fn the_type_is_read_from_the_bytes_and_the_limits_hold() {
        let mut png = Prepared::new(Some(Upload::bytes("logo.jpg", PNG_1X1)), limits(&["image/png"])).unwrap();
        png.check().await.unwrap();
        assert_eq!(png.content_type, "image/png", "the name says jpg, the bytes png");
        let mut text = Prepared::new(Some(Upload::bytes("a.png", "not a picture")), limits(&["image/png"])).unwrap();
        let e = text.check().await.unwrap_err();
        assert!(
            e.to_string().contains("application/octet-stream, not one of image/png"),
            "{e}"
        );
        let mut big = Prepared::new(Some(Upload::bytes("a.png", vec![0u8; 2000])), limits(&[])).unwrap();
        let e = big.check().await.unwrap_err();
        assert!(e.to_string().contains("2000 bytes, more than the limit of 1000"), "{e}");
        let stream = Upload::stream("s.png", futures::stream::empty());
        let mut stream = Prepared::new(Some(stream), limits(&[])).unwrap();
        assert!(
            stream
                .check()
                .await
                .unwrap_err()
                .to_string()
                .contains("give bytes or a path")
        );
        let e = Prepared::new(None, limits(&[])).err().unwrap();
        assert!(e.to_string().contains("body part `file`"), "{e}");
    }

    #[tokio::test]
    async fn bytes_and_paths_are_attached_again_a_stream_once() {
        let http = crate::tls::http_client_builder(&[]).unwrap().build().unwrap();
        let request = || reqwest::Request::new(reqwest::Method::PUT, "http://127.0.0.1:1/f".parse().unwrap());
        let unlimited = Limits {
            part: "file",
            max_bytes: None,
            types: &[],
            max_pixels: None,
            aspect: None,
        };
        let bytes = Prepared::new(Some(Upload::bytes("a.png", PNG_1X1)), unlimited).unwrap();
        assert!(bytes.replayable());
        for _ in 0..2 {
            let attached = bytes.attach(&http, request()).unwrap().unwrap();
            let content_type = attached.headers()["content-type"].to_str().unwrap().to_owned();
            assert!(
                content_type.starts_with("multipart/form-data; boundary="),
                "{content_type}"
            );
        }
        let stream = Upload::stream("s.bin", futures::stream::iter([Ok(Bytes::from_static(b"x"))]));
        let stream = Prepared::new(Some(stream), unlimited).unwrap();
        assert!(!stream.replayable());
        assert!(stream.attach(&http, request()).is_some());
        assert!(stream.attach(&http, request()).is_none(), "a stream is sent once");
        assert!(format!("{:?}", Upload::path("/tmp/x.png")).contains("path /tmp/x.png"));
    }
}
