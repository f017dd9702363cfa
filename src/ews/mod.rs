//! Exchange Web Services as pure data: the SOAP envelope, the EWS types and one module per
//! operation. Every request and response type both serializes and parses (the simulator uses them
//! from the server side); element order follows the schema's `xs:sequence`.
//!
//! ```
//! use exsync::ews::{DeleteItem, DeleteType, ExchangeVersion, ItemId, Request, RequestHeader};
//!
//! let req = Request::new(
//!     RequestHeader::impersonating(ExchangeVersion::Exchange2016, "alice@contoso.com"),
//!     DeleteItem::new(vec![ItemId::new("AAMkAD…")], DeleteType::MoveToDeletedItems),
//! );
//! let xml = req.to_xml_string();
//! assert!(xml.contains("<t:PrimarySmtpAddress>alice@contoso.com</t:PrimarySmtpAddress>"));
//! let back = Request::<DeleteItem>::parse(&xml).unwrap();
//! assert_eq!(back, req);
//! ```

pub mod attendee;
pub mod base_item_id;
pub mod calendar_field;
pub mod calendar_item;
pub mod contact;
pub mod contact_entries;
pub mod contact_update;
pub mod datetime;
pub mod decode;
pub mod envelope;
pub mod extended_property;
pub mod fault;
mod field_uris;
pub mod folder;
pub mod ids;
pub mod item;
pub mod mailbox;
pub mod namespaces;
pub mod occurrence;
pub mod operation;
pub mod ops;
pub mod paging;
pub mod path;
pub mod recurrence;
pub(crate) mod recurrence_expand;
pub mod response;
pub mod response_code;
pub mod restriction;
pub mod shape;
pub mod timezone;

pub use attendee::{Attendee, ResponseType};
pub use base_item_id::{BaseItemId, OccurrenceItemId, RecurringMasterItemId};
pub use calendar_field::CalendarField;
pub use calendar_item::{CalendarItem, CalendarItemType, LegacyFreeBusy};
pub use contact::{CompleteName, Contact, ContactSource, FileAsMapping, PhysicalAddressIndex};
pub use contact_entries::{
    EmailAddress, EmailAddressKey, ImAddress, ImAddressKey, PhoneNumber, PhoneNumberKey, PhysicalAddress,
    PhysicalAddressKey, PhysicalAddressPart,
};
pub use contact_update::{ContactField, apply_contact_update, contact_updates};
pub use datetime::{EwsDate, EwsDateTime};
pub use envelope::{
    ConnectingSid, ExchangeImpersonation, ExchangeVersion, Request, RequestHeader, Response, ResponseBody,
    ServerVersionInfo, TimeZoneContext,
};
pub use extended_property::{ExtendedProperty, ExtendedValue};
pub use fault::SoapFault;
pub use folder::{
    CalendarFolder, CalendarPermissionReadAccess, ContactsFolder, EffectiveRights, Folder, FolderBase, FolderInfo,
    GenericFolder, OtherFolder, PermissionReadAccess,
};
pub use ids::{BaseFolderId, DistinguishedFolderId, DistinguishedFolderName, FolderId, ItemId};
pub use item::{Body, BodyType, Importance, Item, ItemBase, OtherItem, Sensitivity};
pub use mailbox::{Mailbox, MailboxType};
pub use occurrence::{DeletedOccurrence, OccurrenceInfo};
pub use operation::Operation;
pub use ops::*;
pub use paging::{CalendarView, ContactsView, FindPaging, FractionalPageView, IndexBasePoint, IndexedPageView};
pub use path::{
    DictionaryUri, DistinguishedPropertySet, ExtendedFieldUri, FieldUri, MapiPropertyType, PropertyKey, PropertyPath,
    PropertySet,
};
pub use recurrence::{DayOfWeek, DayOfWeekIndex, DaysOfWeek, Month, Recurrence, RecurrencePattern, RecurrenceRange};
pub use response::{MessageXml, MessageXmlEntry, ResponseClass, ResponseMessage, ResponseStatus};
pub use response_code::ResponseCode;
pub use restriction::{
    ComparisonOperator, ContainmentComparison, ContainmentMode, FieldUriOrConstant, Restriction, SearchExpression,
};
pub use shape::{BaseShape, BodyTypeResponse, FolderShape, ItemShape};
pub use timezone::{
    DayTimeDuration, DaylightSaving, MeetingTimeZone, TimeChange, TimeChangePattern, TimeZoneDefinition, TimeZoneRules,
};
