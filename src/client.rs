#[derive(Clone, Debug, Default)]
pub struct ClientState {}
impl progenitor_client::ClientHooks<ClientState> for crate::Client {}
