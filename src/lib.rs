pub mod client;
mod generated;
mod secret;
pub use generated::*;
pub use secret::Secret;
