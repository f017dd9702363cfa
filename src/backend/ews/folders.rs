//! Which Exchange folder a [`FolderScope`] means: events live in the user's distinguished
//! `calendar`; contacts in the distinguished `contacts` folder, a folder given by id, or a contacts
//! folder given by display name directly under the default contacts folder. Names are looked up
//! with `FindFolder` once per user and remembered (ids of folders do not change while they
//! exist).

use std::collections::HashMap;
use std::sync::Mutex;

use crate::backend::{BackendError, FolderScope};
use crate::ews::{BaseFolderId, DistinguishedFolderName, FindFolder, Folder, FolderId, ResponseCode};
use crate::sync::{ContactsFolder, ObjectKind, UserId};
use crate::transport::EwsClient;

use super::status::{self, CallKind, Failing};

/// Contacts folders found by name, per user.
#[derive(Debug, Default)]
pub struct FolderCache {
    named: Mutex<HashMap<(UserId, String), FolderId>>,
}

impl FolderCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(UserId, String), FolderId>> {
        // Plain inserts and lookups: a panic elsewhere cannot leave the map half-written.
        self.named.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forgets every folder found.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The folder `scope` means in `user`'s mailbox.
    pub async fn resolve(
        &self,
        client: &EwsClient,
        user: &UserId,
        scope: &FolderScope,
    ) -> Result<BaseFolderId, BackendError> {
        let name = match (scope.kind, &scope.contacts_folder) {
            (ObjectKind::Events, _) => return Ok(BaseFolderId::distinguished(DistinguishedFolderName::Calendar)),
            (ObjectKind::Contacts, ContactsFolder::Default) => {
                return Ok(BaseFolderId::distinguished(DistinguishedFolderName::Contacts));
            }
            (ObjectKind::Contacts, ContactsFolder::Id(id)) => return Ok(BaseFolderId::Folder(FolderId::new(id))),
            (ObjectKind::Contacts, ContactsFolder::Named(name)) => name,
        };
        let key = (user.clone(), name.clone());
        if let Some(id) = self.lock().get(&key) {
            return Ok(BaseFolderId::Folder(id.clone()));
        }
        let id = find_named(client, user, name).await?;
        self.lock().insert(key, id.clone());
        Ok(BaseFolderId::Folder(id))
    }
}

/// The contacts folder called `name` directly under `user`'s default contacts folder.
async fn find_named(client: &EwsClient, user: &UserId, name: &str) -> Result<FolderId, BackendError> {
    let f = Failing { user, operation: "find_folder", kind: ObjectKind::Contacts, call: CallKind::Read };
    let parent = BaseFolderId::distinguished(DistinguishedFolderName::Contacts);
    let reply = client
        .call(user.as_str(), FindFolder::by_display_name(parent, name))
        .await
        .map_err(|e| status::from_transport(f, e))?;
    if let Some(m) = reply.response.messages.iter().find(|m| !m.status.is_ok()) {
        return Err(status::from_status(f, None, &m.status));
    }
    // Exchange compares display names without regard to case; a search folder or a folder of
    // another class with the same name is not the one meant.
    let found = reply
        .response
        .folders()
        .filter(|folder| matches!(folder, Folder::Contacts(_)))
        .filter(|folder| folder.display_name().is_some_and(|n| n.eq_ignore_ascii_case(name)))
        .find_map(|folder| folder.id().map(|i| FolderId::new(i.id.clone())));
    found.ok_or_else(|| BackendError::Exchange {
        user: user.clone(),
        operation: "find_folder",
        code: ResponseCode::ErrorFolderNotFound,
        message: format!(
            "there is no contacts folder called {name:?} directly under the Contacts folder; create it in Outlook \
             or correct the setting"
        ),
    })
}
