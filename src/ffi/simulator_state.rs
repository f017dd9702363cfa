//! The state behind an `exsync_simulator` handle: a [`SimServer`] on a runtime the handle owns,
//! configured from JSON, and its side door (owner edits of mailboxes, in canonical records).

use serde::Deserialize;
use serde_json::json;

use super::error::FfiError;
use super::handles::Exclusive;
use super::json;
use super::runtime::OwnedRuntime;
use crate::backend::ews_mapping::{
    app_id_of, contact_from_ews, contact_to_ews, event_from_ews, event_to_ews, overlay_contact, overlay_event,
};
use crate::ews::{BaseFolderId, DistinguishedFolderName, Item, ItemId};
use crate::sim::{ServiceAccount, SimError, SimServer, StoreError};
use crate::sync::{ObjectKind, Record};
use crate::transport::Secret;

/// The simulator's configuration, as JSON (see `exsync_simulator_start`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SimConfig {
    domains: Vec<String>,
    service_account: String,
    password: String,
    #[serde(default)]
    mailboxes: Vec<String>,
    #[serde(default)]
    impersonate: Option<Vec<String>>,
    #[serde(default)]
    tls: bool,
    #[serde(default)]
    port: u16,
    #[serde(default)]
    seed: Option<u64>,
}

struct Running {
    server: Option<SimServer>,
    last_created: Option<String>,
}

/// A running (or stopped) simulator.
pub(crate) struct SimHandle {
    state: Exclusive<Running>,
    runtime: OwnedRuntime,
}

fn folder(kind: ObjectKind) -> BaseFolderId {
    BaseFolderId::distinguished(match kind {
        ObjectKind::Contacts => DistinguishedFolderName::Contacts,
        ObjectKind::Events => DistinguishedFolderName::Calendar,
    })
}

fn mailbox_error(mailbox: &str, source: StoreError) -> FfiError {
    FfiError::Sim(SimError::Store { mailbox: mailbox.to_owned(), source })
}

impl SimHandle {
    /// Starts a simulator from its JSON configuration.
    pub(crate) fn start(config_json: &str) -> Result<Self, FfiError> {
        let config: SimConfig = json::parse_secret(config_json, "config_json")?;
        if config.domains.is_empty() {
            return Err(FfiError::Json {
                param: "config_json",
                detail: "\"domains\" must name at least one domain".into(),
            });
        }
        let mut account = ServiceAccount::new(config.service_account, Secret::new(config.password));
        account = match config.impersonate {
            None => account.impersonating_all(),
            Some(list) => account.impersonating(list),
        };
        let mut builder = SimServer::builder().service_account(account).tls(config.tls).port(config.port);
        for domain in config.domains {
            builder = builder.domain(domain);
        }
        for mailbox in config.mailboxes {
            builder = builder.mailbox(mailbox);
        }
        if let Some(seed) = config.seed {
            builder = builder.seed(seed);
        }
        let runtime = OwnedRuntime::new("sim", 2)?;
        let server = runtime.block_on(builder.start())??;
        Ok(SimHandle { state: Exclusive::new(Running { server: Some(server), last_created: None }), runtime })
    }

    fn with_server<T>(
        &self,
        f: impl FnOnce(&SimServer, &mut Option<String>) -> Result<T, FfiError>,
    ) -> Result<T, FfiError> {
        let mut state = self.state.lock("simulator")?;
        let Running { server, last_created } = &mut *state;
        let server = server.as_ref().ok_or_else(|| FfiError::wrong_state("the simulator has been stopped"))?;
        f(server, last_created)
    }

    /// Stops the server (open requests finish first).
    pub(crate) fn stop(&self) -> Result<(), FfiError> {
        let mut state = self.state.lock("simulator")?;
        let server = state.server.take().ok_or_else(|| FfiError::wrong_state("the simulator is already stopped"))?;
        self.runtime.block_on(server.shutdown())
    }

    /// The EWS endpoint's URL.
    pub(crate) fn ews_url(&self) -> Result<String, FfiError> {
        self.with_server(|s, _| Ok(s.ews_url()))
    }

    /// The CA certificate to trust (PEM), with TLS on.
    pub(crate) fn ca_certificate(&self) -> Result<String, FfiError> {
        self.with_server(|s, _| {
            s.ca_certificate_pem()
                .map(str::to_owned)
                .ok_or_else(|| FfiError::wrong_state("the simulator serves plain HTTP (start it with \"tls\": true)"))
        })
    }

    /// Adds a mailbox while the server runs.
    pub(crate) fn add_mailbox(&self, address: &str) -> Result<(), FfiError> {
        self.with_server(|s, _| s.add_mailbox(address, None).map(|_| ()).map_err(FfiError::from))
    }

    /// Creates an item from a canonical record as the owner would in Outlook.
    pub(crate) fn create_item(&self, mailbox: &str, record_json: &str) -> Result<(), FfiError> {
        let record: Record = json::parse(record_json, "record_json")?;
        let (kind, item) = match &record {
            Record::Contact(c) => (ObjectKind::Contacts, Item::Contact(Box::new(contact_to_ews(c, None)))),
            Record::Event(e) => (ObjectKind::Events, Item::CalendarItem(Box::new(event_to_ews(e, None)))),
        };
        self.with_server(|s, last| {
            let id = s.side_door(mailbox, |door| door.create(&folder(kind), item))?;
            *last = Some(id.id);
            Ok(())
        })
    }

    /// The id of the item the last `create_item` made.
    pub(crate) fn last_created_id(&self) -> Result<String, FfiError> {
        self.with_server(|_, last| {
            last.clone().ok_or_else(|| FfiError::wrong_state("no item has been created through this simulator yet"))
        })
    }

    /// Changes an item's fields to those of a canonical record (of the item's own kind).
    pub(crate) fn update_item(&self, mailbox: &str, id: &str, record_json: &str) -> Result<(), FfiError> {
        let record: Record = json::parse(record_json, "record_json")?;
        self.with_server(|s, _| {
            let item_id = ItemId::new(id);
            let same_kind = s
                .with_mailbox(mailbox, |m| {
                    m.item(&item_id).map(|item| {
                        matches!(
                            (item, &record),
                            (Item::Contact(_), Record::Contact(_)) | (Item::CalendarItem(_), Record::Event(_))
                        )
                    })
                })?
                .map_err(|e| mailbox_error(mailbox, e))?;
            if !same_kind {
                return Err(FfiError::invalid("record_json", "the record's kind differs from the item's"));
            }
            s.side_door(mailbox, |door| {
                door.change(&item_id, |item| match (item, &record) {
                    (Item::Contact(c), Record::Contact(r)) => overlay_contact(c, r),
                    (Item::CalendarItem(c), Record::Event(r)) => overlay_event(c, r),
                    _ => {}
                })
            })?;
            Ok(())
        })
    }

    /// Deletes an item as Outlook's Delete key does.
    pub(crate) fn delete_item(&self, mailbox: &str, id: &str) -> Result<(), FfiError> {
        self.with_server(|s, _| s.side_door(mailbox, |door| door.delete(&ItemId::new(id))).map_err(FfiError::from))
    }

    /// The items of a mailbox's contacts folder or calendar, as JSON.
    pub(crate) fn items_json(&self, mailbox: &str, kind: ObjectKind) -> Result<String, FfiError> {
        self.with_server(|s, _| {
            let listed = s.with_mailbox(mailbox, |m| {
                m.items(&folder(kind)).map(|items| items.into_iter().map(item_json).collect::<Vec<_>>())
            })?;
            json::to_text(&listed.map_err(|e| mailbox_error(mailbox, e))?)
        })
    }
}

/// `{"id", "change_key", "tag", "record"}`; an item exsync cannot map has `"record": null` and an
/// `"unmapped"` reason.
fn item_json(item: &Item) -> serde_json::Value {
    let id = item.id();
    let record: Result<Record, String> = match item {
        Item::Contact(c) => Ok(Record::from(contact_from_ews(c))),
        Item::CalendarItem(c) => event_from_ews(c).map(Record::from).map_err(|e| e.to_string()),
        Item::Other(_) => Err("not a contact or calendar item".to_owned()),
    };
    let mut value = json!({
        "id": id.map(|i| i.id.clone()),
        "change_key": id.and_then(|i| i.change_key.clone()),
        "tag": app_id_of(item.base()).map(|a| a.0),
    });
    match record {
        Ok(r) => value["record"] = serde_json::to_value(r).unwrap_or_default(),
        Err(reason) => {
            value["record"] = serde_json::Value::Null;
            value["unmapped"] = reason.into();
        }
    }
    value
}
