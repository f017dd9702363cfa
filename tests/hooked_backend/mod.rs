//! A mailbox backend that runs a test's hook before each call and then passes the call on: for
//! tests where something happens between the engine's steps (an edit in Outlook right before an
//! update, a panic below the engine for one user).

use exsync::backend::*;
use exsync::sync::{AppId, UserId};

/// Which backend call is about to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)]
pub enum Call {
    ListChanges,
    Read,
    Create,
    Update,
    Delete,
    FindByTag,
}

type Hook = Box<dyn Fn(Call, &UserId, &FolderScope) + Send + Sync>;

/// `inner`, with `hook` run before every call.
pub struct Hooked<B> {
    pub inner: B,
    hook: Hook,
}

impl<B> Hooked<B> {
    pub fn new(inner: B, hook: impl Fn(Call, &UserId, &FolderScope) + Send + Sync + 'static) -> Self {
        Hooked { inner, hook: Box::new(hook) }
    }
}

impl<B: MailboxBackend> MailboxBackend for Hooked<B> {
    async fn list_changes(
        &self,
        u: &UserId,
        s: &FolderScope,
        c: Option<&Cursor>,
        m: usize,
    ) -> Result<ChangePage, BackendError> {
        (self.hook)(Call::ListChanges, u, s);
        self.inner.list_changes(u, s, c, m).await
    }
    async fn read(
        &self,
        u: &UserId,
        s: &FolderScope,
        ids: &[String],
    ) -> Result<Vec<ItemResult<RemoteItem>>, BackendError> {
        (self.hook)(Call::Read, u, s);
        self.inner.read(u, s, ids).await
    }
    async fn create(
        &self,
        u: &UserId,
        s: &FolderScope,
        n: &[NewItem],
    ) -> Result<Vec<ItemResult<RemoteId>>, BackendError> {
        (self.hook)(Call::Create, u, s);
        self.inner.create(u, s, n).await
    }
    async fn update(
        &self,
        u: &UserId,
        s: &FolderScope,
        c: &[ItemChange],
    ) -> Result<Vec<ItemResult<RemoteId>>, BackendError> {
        (self.hook)(Call::Update, u, s);
        self.inner.update(u, s, c).await
    }
    async fn delete(&self, u: &UserId, s: &FolderScope, ids: &[RemoteId]) -> Result<Vec<ItemResult<()>>, BackendError> {
        (self.hook)(Call::Delete, u, s);
        self.inner.delete(u, s, ids).await
    }
    async fn find_by_tag(&self, u: &UserId, s: &FolderScope, t: &AppId) -> Result<Vec<RemoteItem>, BackendError> {
        (self.hook)(Call::FindByTag, u, s);
        self.inner.find_by_tag(u, s, t).await
    }
}
