//! `ConvertId` between the id formats the simulator can represent.
//!
//! The simulator's ids are its own (see the store), so the formats are its own too, but they
//! convert both ways like Exchange's: `EwsId` and `EwsLegacyId` are the id itself; `EntryId` is
//! the standard base64 of a MAPI-style entry id (four flag bytes, then the id's bytes);
//! `HexEntryId` is the same bytes in upper-case hex. `StoreId` and `OwaId`, and public folder ids
//! (the simulator has no public folders), are answered with `ErrorInvalidRequest`. An id this
//! server did not issue, or one that belongs to another mailbox than the one named, is
//! `ErrorInvalidIdMalformed`.

use crate::ews::{
    AlternateId, AlternateIdBase, ConvertId, ConvertIdContent, ConvertIdResponse, IdFormat, ResponseCode,
    ResponseMessage,
};
use crate::sim::codec::{base64_decode, base64_encode};

use super::{OpContext, SimOperation, error_with, success};

/// The flag bytes in front of an entry id.
const ENTRY_FLAGS: [u8; 4] = [0, 0, 0, 0];

fn malformed() -> ResponseMessage<ConvertIdContent> {
    error_with(ResponseCode::ErrorInvalidIdMalformed, "Id is malformed.")
}

fn unsupported(format: IdFormat) -> ResponseMessage<ConvertIdContent> {
    error_with(
        ResponseCode::ErrorInvalidRequest,
        format!("The simulator does not convert ids in the {} format.", format.as_str()),
    )
}

/// The EWS id an alternate id stands for, if the format is one the simulator reads.
fn to_ews_id(format: IdFormat, id: &str) -> Option<Option<String>> {
    let from_entry = |bytes: Vec<u8>| bytes.strip_prefix(&ENTRY_FLAGS[..]).map(base64_encode);
    Some(match format {
        IdFormat::EwsId | IdFormat::EwsLegacyId => Some(id.trim().to_owned()),
        IdFormat::EntryId => base64_decode(id.trim()).and_then(from_entry),
        IdFormat::HexEntryId => {
            let t = id.trim();
            let bytes: Option<Vec<u8>> = (t.len() % 2 == 0)
                .then(|| (0..t.len()).step_by(2).map(|i| u8::from_str_radix(t.get(i..i + 2)?, 16).ok()).collect())
                .flatten();
            bytes.and_then(from_entry)
        }
        IdFormat::StoreId | IdFormat::OwaId => return None,
    })
}

/// The EWS id in `format`, if the simulator writes it.
fn from_ews_id(format: IdFormat, ews_id: &str) -> Option<String> {
    let entry = || {
        let mut bytes = ENTRY_FLAGS.to_vec();
        bytes.extend(base64_decode(ews_id)?);
        Some(bytes)
    };
    match format {
        IdFormat::EwsId | IdFormat::EwsLegacyId => Some(ews_id.to_owned()),
        IdFormat::EntryId => entry().map(|b| base64_encode(&b)),
        IdFormat::HexEntryId => entry().map(|b| b.iter().map(|x| format!("{x:02X}")).collect()),
        IdFormat::StoreId | IdFormat::OwaId => None,
    }
}

impl ConvertId {
    fn convert(&self, source: &AlternateIdBase, cx: &OpContext<'_>) -> ResponseMessage<ConvertIdContent> {
        let Some(a) = source.as_mailbox() else {
            return error_with(ResponseCode::ErrorInvalidRequest, "The simulator has no public folders.");
        };
        let Some(ews_id) = to_ews_id(a.format, &a.id) else { return unsupported(a.format) };
        let Some(ews_id) = ews_id else { return malformed() };
        match cx.store.mailbox_of_id(&ews_id) {
            Some(owner) if owner.eq_ignore_ascii_case(a.mailbox.trim()) => {}
            _ => return malformed(),
        }
        match from_ews_id(self.destination_format, &ews_id) {
            Some(id) => success(ConvertIdContent {
                alternate_id: Some(AlternateIdBase::Mailbox(AlternateId {
                    format: self.destination_format,
                    id,
                    mailbox: a.mailbox.clone(),
                    is_archive: a.is_archive,
                })),
            }),
            None => unsupported(self.destination_format),
        }
    }
}

impl SimOperation for ConvertId {
    /// Each id names its own mailbox.
    const NEEDS_MAILBOX: bool = false;

    fn execute(&self, cx: &mut OpContext<'_>) -> ConvertIdResponse {
        let messages = self.source_ids.iter().map(|s| self.convert(s, cx)).collect();
        ConvertIdResponse { messages }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_trip() {
        let ews = base64_encode(&[0, 3, 36, 1, 2, 3]);
        for f in [IdFormat::EwsId, IdFormat::EwsLegacyId, IdFormat::EntryId, IdFormat::HexEntryId] {
            let there = from_ews_id(f, &ews).unwrap();
            assert_eq!(to_ews_id(f, &there), Some(Some(ews.clone())), "{f:?}");
        }
        assert_eq!(from_ews_id(IdFormat::HexEntryId, &ews).unwrap(), "00000000000324010203");
        assert_eq!(to_ews_id(IdFormat::HexEntryId, "0G"), Some(None));
        assert_eq!(to_ews_id(IdFormat::HexEntryId, "000"), Some(None));
        assert_eq!(to_ews_id(IdFormat::EntryId, "AAAA"), Some(None));
        assert_eq!(to_ews_id(IdFormat::OwaId, "x"), None);
        assert_eq!(from_ews_id(IdFormat::StoreId, &ews), None);
    }
}
