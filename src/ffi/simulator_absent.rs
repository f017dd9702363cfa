//! Stands in for the simulator when libexsync is built without the `sim` feature: starting one
//! fails with `EXSYNC_ERR_UNSUPPORTED`, so no handle exists to call the rest on.

use super::error::FfiError;
use crate::sync::ObjectKind;

/// No simulator: this type has no values.
pub(crate) enum SimHandle {}

impl SimHandle {
    pub(crate) fn start(_config_json: &str) -> Result<Self, FfiError> {
        Err(FfiError::Unsupported("the simulator (build libexsync with the `sim` feature)".to_owned()))
    }
    pub(crate) fn stop(&self) -> Result<(), FfiError> {
        match *self {}
    }
    pub(crate) fn ews_url(&self) -> Result<String, FfiError> {
        match *self {}
    }
    pub(crate) fn ca_certificate(&self) -> Result<String, FfiError> {
        match *self {}
    }
    pub(crate) fn add_mailbox(&self, _: &str) -> Result<(), FfiError> {
        match *self {}
    }
    pub(crate) fn create_item(&self, _: &str, _: &str) -> Result<(), FfiError> {
        match *self {}
    }
    pub(crate) fn last_created_id(&self) -> Result<String, FfiError> {
        match *self {}
    }
    pub(crate) fn update_item(&self, _: &str, _: &str, _: &str) -> Result<(), FfiError> {
        match *self {}
    }
    pub(crate) fn delete_item(&self, _: &str, _: &str) -> Result<(), FfiError> {
        match *self {}
    }
    pub(crate) fn items_json(&self, _: &str, _: ObjectKind) -> Result<String, FfiError> {
        match *self {}
    }
}
