//! DeleteItem: round trip and schema validity of generated requests and responses.

mod common;

use common::strategies::base::*;
use common::{Schema, body_document, shared_dir, validate, xmllint_available};
use exsync::ews::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

fn delete_item() -> impl Strategy<Value = DeleteItem> {
    (
        proptest::collection::vec(item_id(), 1..5),
        proptest::sample::select(DeleteType::ALL),
        proptest::option::of(proptest::sample::select(SendMeetingCancellations::ALL)),
        proptest::option::of(proptest::sample::select(AffectedTaskOccurrences::ALL)),
    )
        .prop_map(|(item_ids, t, s, a)| DeleteItem {
            item_ids,
            delete_type: t,
            send_meeting_cancellations: s,
            affected_task_occurrences: a,
        })
}

proptest! {
    #[test]
    fn request_round_trips(op in delete_item(), who in smtp()) {
        let req = Request::new(RequestHeader::impersonating(ExchangeVersion::Exchange2016, who), op);
        let xml = req.to_xml_string();
        prop_assert_eq!(Request::<DeleteItem>::parse(&xml).unwrap(), req.clone());
        prop_assert_eq!(Request::<DeleteItem>::parse_strict(&xml, Default::default()).unwrap(), req);
    }
}

#[test]
fn generated_requests_validate_against_both_schemas() {
    let Some(shared) = shared_dir() else { return };
    if !xmllint_available() {
        return;
    }
    let mut runner = TestRunner::deterministic();
    let strategy = delete_item();
    let docs: Vec<(String, String)> = (0..64)
        .map(|i| {
            let op = strategy.new_tree(&mut runner).unwrap().current();
            let req = Request::new(RequestHeader::new(ExchangeVersion::Exchange2010Sp2), op);
            (format!("DeleteItem-{i}"), body_document(&req.to_xml_string()))
        })
        .collect();
    validate(&shared, Schema::Current, &docs).unwrap();
    validate(&shared, Schema::Exchange2010Sp2, &docs).unwrap();
}
