//! The EWS backend does not read again the items it wrote when a listing from a cursor reports
//! them unchanged (same change key), and does read them when someone changed them since.
#![cfg(feature = "sim")]

mod sync_sim;

use exsync::backend::*;
use exsync::sync::*;
use sync_sim::*;

fn contacts() -> FolderScope {
    FolderScope::default_folder(ObjectKind::Contacts)
}

fn tagged(id: &str, record: Record) -> NewItem {
    NewItem { tag: AppId::new(id), record }
}

async fn listing(sim: &Sim, u: &UserId, cursor: &Cursor) -> (Vec<RemoteChange>, Cursor) {
    let page = sim.backend.list_changes(u, &contacts(), Some(cursor), 500).await.unwrap();
    assert!(!page.more);
    (page.changes, page.cursor)
}

#[tokio::test]
async fn own_writes_unchanged_since_are_not_read_again_changed_ones_are() {
    let sim = Sim::start().await;
    let u = alice();
    let start = sim.backend.list_changes(&u, &contacts(), None, 500).await.unwrap().cursor;
    let ann = person("Ann", "Lee", "ann@fabrikam.com");
    let raj = person("Raj", "Patel", "raj@fabrikam.com");
    let ids: Vec<RemoteId> = sim
        .backend
        .create(&u, &contacts(), &[tagged("crm-1", ann.clone()), tagged("crm-2", raj.clone())])
        .await
        .unwrap()
        .into_iter()
        .map(Result::unwrap)
        .collect();

    // Raj is edited in Outlook after exsync wrote him: his change key moved on.
    let rajesh = renamed(&raj, "Rajesh");
    sim.outlook_edit(ALICE, &ids[1].id, &rajesh);

    let reads = sim.calls("GetItem");
    let (changes, cursor) = listing(&sim, &u, &start).await;
    assert_eq!(sim.calls("GetItem") - reads, 1, "only Raj is read");
    let items: Vec<&RemoteItem> = changes
        .iter()
        .map(|c| match c {
            RemoteChange::Upserted(i) => i,
            RemoteChange::Deleted { .. } => panic!("no deletion"),
        })
        .collect();
    assert_eq!(items.len(), 2);
    assert_eq!(
        (items[0].id.clone(), &items[0].record, items[0].tag.clone()),
        (ids[0].clone(), &ann, Some(AppId::new("crm-1")))
    );
    assert_eq!(items[1].record, rajesh, "Outlook's edit is seen");
    assert_ne!(items[1].id.change_key, ids[1].change_key);
    assert!(items[1].last_modified.is_some());

    // An update exsync makes is not read again either; listed once, it is forgotten.
    let anna = renamed(&ann, "Anna");
    let change =
        ItemChange { id: items[0].id.clone(), base: Some(ann.clone()), record: anna.clone(), tag: AppId::new("crm-1") };
    let new_id = sim.backend.update(&u, &contacts(), &[change]).await.unwrap().remove(0).unwrap();
    let reads = sim.calls("GetItem");
    let (changes, cursor2) = listing(&sim, &u, &cursor).await;
    assert_eq!(sim.calls("GetItem"), reads);
    assert!(matches!(&changes[..], [RemoteChange::Upserted(i)] if i.record == anna && i.id == new_id));
    // The same cursor again (a retried round): now it is read, and holds the same.
    let (again, _) = listing(&sim, &u, &cursor).await;
    assert_eq!(sim.calls("GetItem"), reads + 1);
    assert!(
        matches!(&again[..], [RemoteChange::Upserted(i)] if i.record == anna && i.id == new_id && i.last_modified.is_some())
    );
    let (none, _) = listing(&sim, &u, &cursor2).await;
    assert!(none.is_empty());
}
