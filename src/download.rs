//! Files the service hands out URLs for: recording files, fetched with the one-use token that
//! came with their URL.

use reqwest::header::AUTHORIZATION;

use crate::error::{Error, ServiceError};
use crate::generated::{Client, types};
use crate::state::sensitive;

impl Client {
    /// Starts downloading a recording file: one URL of
    /// [`show_recording_file_download_urls`](Client::show_recording_file_download_urls), with
    /// its token (valid one hour, and only once). Returns the response, whose body the caller
    /// streams (`chunk()`, `bytes_stream()`): a file may be up to 1 GB, so it is neither
    /// capped nor read here.
    ///
    /// The token goes as `Authorization` to the URL's host and nowhere else (Huawei's
    /// documentation says the token authenticates the download without naming the header;
    /// `Authorization` is what this client sends and the simulator checks): no access token
    /// is sent, and no redirect is followed by the client's own HTTP client. The URL must be
    /// `https` (or the client's own endpoint, as with the simulator). Nothing is retried,
    /// since the token dies with its first use: ask for new URLs to try again. The whole
    /// download must finish within [`download_timeout`](crate::ClientBuilder::download_timeout).
    ///
    /// ```no_run
    /// # async fn run(client: huaweicloud_meeting::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let urls = client.show_recording_file_download_urls().conf_uuid("2bd5a7c0b41f11efbf6e5f5b3a8d9c10").send().await?;
    /// for file in urls.record_urls.iter().flatten().flat_map(|r| r.urls.iter().flatten()) {
    ///     let mut response = client.download_recording_file(file).await?;
    ///     let mut size = 0;
    ///     while let Some(chunk) = response.chunk().await? {
    ///         size += chunk.len(); // write it somewhere
    ///     }
    ///     println!("{:?}: {size} bytes", file.file_type);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn download_recording_file(&self, file: &types::RecordDownloadUrlDo) -> Result<reqwest::Response, Error> {
        let invalid = |field: &str, reason: &str| Error::InvalidInput {
            field: field.to_owned(),
            reason: reason.to_owned(),
        };
        let url = file
            .url
            .as_deref()
            .filter(|u| !u.is_empty())
            .ok_or_else(|| invalid("url", "is missing"))?;
        let url = reqwest::Url::parse(url).map_err(|e| invalid("url", &format!("is not a URL: {e}")))?;
        if url.scheme() != "https" && !self.inner.shared.is_own_origin(&url) {
            return Err(invalid("url", "must use https"));
        }
        let token = file
            .token
            .as_ref()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| invalid("token", "is missing"))?;
        let token = sensitive(token.expose()).map_err(|reason| invalid("token", &reason))?;
        let response = self
            .client
            .get(url)
            .header(AUTHORIZATION, token)
            .timeout(self.inner.shared.download_timeout)
            .send()
            .await
            .map_err(Error::from_transport)?;
        let status = response.status();
        if status.is_redirection() {
            return Err(crate::pipeline::redirected(&response));
        }
        if !status.is_success() {
            let (headers, body, _) =
                crate::pipeline::read_capped(response, self.inner.shared.max_response_body).await?;
            return Err(Error::Service(ServiceError::from_response_parts(
                status.as_u16(),
                &headers,
                &body,
            )));
        }
        Ok(response)
    }
}
