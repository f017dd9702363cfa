//! DeleteItem: round trips and schema validity of generated requests and responses.

mod common;

use common::checks::*;
use common::strategies::base::*;
use common::strategies::envelope::*;
use common::{Schema, schema_validation, validate};
use exsync::ews::*;
use proptest::prelude::*;

fn delete_item() -> impl Strategy<Value = DeleteItem> {
    (
        proptest::collection::vec(any_item_id(), 1..5),
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

fn delete_item_response() -> impl Strategy<Value = Response<DeleteItemResponse>> {
    messages_response(Just(()), |messages| DeleteItemResponse { messages })
}

proptest! {
    #[test]
    fn request_round_trips(header in request_header(), op in delete_item()) {
        check_request_round_trip(header, op)?;
    }

    #[test]
    fn response_round_trips(resp in delete_item_response()) {
        check_response_round_trip::<DeleteItem>(resp)?;
    }
}

#[test]
fn generated_requests_validate_against_both_schemas() {
    let Some(shared) = schema_validation() else { return };
    // Every DeleteItem is in both schemas.
    validate_generated_requests(&shared, delete_item(), delete_item()).unwrap();
}

#[test]
fn generated_responses_validate() {
    let Some(shared) = schema_validation() else { return };
    let docs = response_docs::<DeleteItem>(generate(&delete_item_response(), 32));
    validate(&shared, Schema::Current, &docs).unwrap();
}
