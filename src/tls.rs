//! The TLS set-up of the HTTP client the builder makes.
//!
//! With the `rustls` feature (the default) reqwest is built without a crypto provider of its own
//! (so users do not compile aws-lc-sys unless they ask for it); the client gets a rustls
//! configuration made here: the process-wide default provider if the application installed
//! one, otherwise ring (or aws-lc-rs with the `rustls-aws-lc-rs` feature), the platform's
//! roots plus the builder's extra roots.

use crate::Error;

/// A reqwest builder whose TLS trusts the platform's roots and `extra_roots` (PEM).
pub(crate) fn http_client_builder(extra_roots: &[Vec<u8>]) -> Result<reqwest::ClientBuilder, Error> {
    imp::http_client_builder(extra_roots)
}

#[cfg(feature = "rustls")]
mod imp {
    use std::sync::Arc;

    use rustls::crypto::CryptoProvider;
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;

    use crate::Error;

    pub(super) fn http_client_builder(extra_roots: &[Vec<u8>]) -> Result<reqwest::ClientBuilder, Error> {
        let mut roots = Vec::new();
        for pem in extra_roots {
            let certificates: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem)
                .collect::<Result<_, _>>()
                .map_err(|e| Error::Config(format!("root certificate is not valid PEM: {e}")))?;
            if certificates.is_empty() {
                return Err(Error::Config(
                    "root certificate is not valid PEM: no certificate in it".into(),
                ));
            }
            roots.extend(certificates);
        }
        let provider = provider();
        let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider.clone())
            .map_err(|e| Error::Config(format!("cannot load the TLS roots: {e}")))?;
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Config(format!("TLS set-up: {e}")))?
            .dangerous() // Not dangerous: the platform verifier checks chains and names.
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(reqwest::Client::builder().tls_backend_preconfigured(config))
    }

    /// The application's process-wide provider if it installed one, else ours.
    fn provider() -> Arc<CryptoProvider> {
        if let Some(installed) = CryptoProvider::get_default() {
            return installed.clone();
        }
        #[cfg(feature = "rustls-aws-lc-rs")]
        let provider = rustls::crypto::aws_lc_rs::default_provider();
        #[cfg(not(feature = "rustls-aws-lc-rs"))]
        let provider = rustls::crypto::ring::default_provider();
        Arc::new(provider)
    }
}

#[cfg(not(feature = "rustls"))]
mod imp {
    use crate::Error;

    pub(super) fn http_client_builder(extra_roots: &[Vec<u8>]) -> Result<reqwest::ClientBuilder, Error> {
        let mut http = reqwest::Client::builder();
        for pem in extra_roots {
            let certificate = reqwest::Certificate::from_pem(pem)
                .map_err(|e| Error::Config(format!("root certificate is not valid PEM: {e}")))?;
            http = http.add_root_certificate(certificate);
        }
        Ok(http)
    }
}
