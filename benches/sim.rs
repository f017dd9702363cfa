//! Simulator throughput over loopback HTTP/1.1 (one keep-alive connection, Basic auth,
//! impersonation): `SyncFolderItems` pages and `CreateItem` batches per second.
//!
//! `cargo bench --bench sim`

#[path = "../tests/sim_client/mod.rs"]
mod sim_client;

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use exsync::ews::*;
use sim_client::{Client, as_user, org, svc};

fn contacts() -> BaseFolderId {
    BaseFolderId::distinguished(DistinguishedFolderName::Contacts)
}

fn contact(i: usize) -> Item {
    let c = Contact {
        display_name: Some(format!("Contact {i}")),
        given_name: Some("Contact".into()),
        surname: Some(format!("{i}")),
        company_name: Some("Fabrikam".into()),
        email_addresses: vec![EmailAddress::new(EmailAddressKey::EmailAddress1, format!("c{i}@fabrikam.com"))],
        ..Contact::default()
    };
    Item::Contact(Box::new(c))
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let server = rt.block_on(org().start()).expect("simulator");
    for i in 0..1000 {
        server.side_door("alice@contoso.com", |d| d.create(&contacts(), contact(i))).expect("seed contact");
    }
    let mut client = rt.block_on(Client::connect(&server));
    let auth = svc();

    let mut sync = c.benchmark_group("sim_sync_folder_items");
    sync.sample_size(20).measurement_time(Duration::from_secs(4));
    for (shape, page) in [(BaseShape::IdOnly, 100), (BaseShape::AllProperties, 100), (BaseShape::AllProperties, 512)] {
        let op = SyncFolderItems::new(contacts(), ItemShape::new(shape))
            .with_max_changes(MaxChangesReturned::new(page).expect("page size"));
        let req = as_user("alice@contoso.com", op);
        sync.throughput(Throughput::Elements(1));
        sync.bench_with_input(BenchmarkId::new(format!("{shape:?}"), page), &req, |b, req| {
            b.iter(|| {
                let (status, _) = rt.block_on(client.ews(&auth, req));
                assert_eq!(status, 200);
            })
        });
    }
    sync.finish();

    let mut create = c.benchmark_group("sim_create_item");
    create.sample_size(20).measurement_time(Duration::from_secs(4));
    for batch in [1usize, 10, 50] {
        let req = as_user("bob@contoso.com", CreateItem::save_only(contacts(), (0..batch).map(contact).collect()));
        create.throughput(Throughput::Elements(batch as u64));
        create.bench_with_input(BenchmarkId::new("contacts", batch), &req, |b, req| {
            b.iter(|| {
                let (status, _) = rt.block_on(client.ews(&auth, req));
                assert_eq!(status, 200);
            })
        });
    }
    create.finish();
    rt.block_on(server.shutdown());
}

criterion_group!(benches, bench);
criterion_main!(benches);
