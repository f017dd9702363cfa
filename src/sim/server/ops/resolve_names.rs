//! `ResolveNames`: a name or address looked up in the directory (the organisation's mailboxes) and
//! in the contacts folders of the mailbox acted on.
//!
//! An entry matches a mailbox or contact when it equals an address (an `SMTP:` prefix is ignored),
//! or is a prefix of an address's user part, of the display name, or of a word of the display name,
//! ignoring case (a small part of Exchange's ambiguous name resolution). No match is
//! `ErrorNameResolutionNoResults`; several are the `ErrorNameResolutionMultipleResults` warning with
//! every candidate.

use crate::ews::{
    BaseFolderId, Contact, DistinguishedFolderName, EmailAddress, EmailAddressKey, FindPaging, Item, Mailbox,
    MailboxType, Resolution, ResolutionSet, ResolveNames, ResolveNamesContent, ResolveNamesResponse,
    ResolveNamesSearchScope, ResponseClass, ResponseCode, ResponseMessage, ResponseStatus,
};

use super::{OpContext, SimOperation, error_with};

/// Most candidates Exchange returns.
const MAX_CANDIDATES: usize = 100;

fn matches(entry: &str, display_name: Option<&str>, addresses: &[&str]) -> bool {
    let entry = entry.trim();
    let entry = entry.get(..5).filter(|p| p.eq_ignore_ascii_case("smtp:")).map_or(entry, |_| &entry[5..]);
    let e = entry.to_lowercase();
    if e.is_empty() {
        return false;
    }
    let by_address = addresses.iter().any(|a| {
        let a = a.to_lowercase();
        a == e || a.split('@').next().is_some_and(|user| user.starts_with(&e))
    });
    let by_name = display_name.is_some_and(|n| {
        let n = n.to_lowercase();
        n.starts_with(&e) || n.split_whitespace().any(|w| w.starts_with(&e))
    });
    by_address || by_name
}

impl ResolveNames {
    fn directory_candidates(&self, cx: &OpContext<'_>) -> Vec<Resolution> {
        cx.directory
            .users()
            .iter()
            .filter(|u| matches(&self.unresolved_entry, Some(&u.display_name), &[&u.address]))
            .map(|u| Resolution {
                mailbox: Mailbox {
                    name: Some(u.display_name.clone()),
                    email_address: Some(u.address.clone()),
                    routing_type: Some("SMTP".into()),
                    mailbox_type: Some(MailboxType::Mailbox),
                    ..Mailbox::default()
                },
                contact: self.return_full_contact_data.then(|| Contact {
                    display_name: Some(u.display_name.clone()),
                    email_addresses: vec![EmailAddress::new(
                        EmailAddressKey::EmailAddress1,
                        format!("SMTP:{}", u.address),
                    )],
                    ..Contact::default()
                }),
            })
            .collect()
    }

    fn contact_candidates(&self, cx: &OpContext<'_>) -> Vec<Resolution> {
        let Ok(mailbox) = cx.mailbox() else { return Vec::new() };
        let default = [BaseFolderId::distinguished(DistinguishedFolderName::Contacts)];
        let folders = if self.parent_folder_ids.is_empty() { &default[..] } else { &self.parent_folder_ids[..] };
        let mut out = Vec::new();
        for folder in folders {
            let Ok(items) = mailbox.items(folder) else { continue };
            for item in items {
                let Item::Contact(c) = item else { continue };
                let addresses: Vec<&str> = c.email_addresses.iter().map(|e| e.address.as_str()).collect();
                if !matches(&self.unresolved_entry, c.display_name.as_deref(), &addresses) {
                    continue;
                }
                let mut contact = (**c).clone();
                contact.retain_supported(cx.version);
                out.push(Resolution {
                    mailbox: Mailbox {
                        name: c.display_name.clone(),
                        email_address: addresses.first().map(|a| (*a).to_owned()),
                        routing_type: Some("SMTP".into()),
                        mailbox_type: Some(MailboxType::Contact),
                        item_id: c.item.item_id.clone(),
                        ..Mailbox::default()
                    },
                    contact: self.return_full_contact_data.then_some(contact),
                });
            }
        }
        out
    }
}

impl SimOperation for ResolveNames {
    /// The directory needs no mailbox; contacts are searched when there is one.
    const NEEDS_MAILBOX: bool = false;

    fn execute(&self, cx: &mut OpContext<'_>) -> ResolveNamesResponse {
        use ResolveNamesSearchScope as S;
        let scope = self.search_scope.unwrap_or(S::ActiveDirectoryContacts);
        let mut found = match scope {
            S::ActiveDirectory => self.directory_candidates(cx),
            S::Contacts => self.contact_candidates(cx),
            S::ActiveDirectoryContacts => {
                let mut v = self.directory_candidates(cx);
                v.extend(self.contact_candidates(cx));
                v
            }
            S::ContactsActiveDirectory => {
                let mut v = self.contact_candidates(cx);
                v.extend(self.directory_candidates(cx));
                v
            }
        };
        found.truncate(MAX_CANDIDATES);
        let message = match found.len() {
            0 => error_with(ResponseCode::ErrorNameResolutionNoResults, "No results were found."),
            n => {
                let status = if n == 1 {
                    ResponseStatus::success()
                } else {
                    ResponseStatus {
                        class: ResponseClass::Warning,
                        code: ResponseCode::ErrorNameResolutionMultipleResults,
                        message_text: Some("Multiple results were found.".into()),
                        descriptive_link_key: Some(0),
                        message_xml: None,
                    }
                };
                let total = i32::try_from(n).unwrap_or(i32::MAX);
                let paging = FindPaging {
                    indexed_paging_offset: Some(total),
                    includes_last_item_in_range: Some(true),
                    total_items_in_view: Some(total),
                    ..FindPaging::default()
                };
                ResponseMessage {
                    status,
                    content: ResolveNamesContent { resolution_set: Some(ResolutionSet { paging, resolutions: found }) },
                }
            }
        };
        ResolveNamesResponse { messages: vec![message] }
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn ambiguous_name_matching() {
        let addr = ["dana.ruiz@contoso.com"];
        assert!(matches("dana", Some("Dana Ruiz"), &addr));
        assert!(matches("ruiz", Some("Dana Ruiz"), &addr));
        assert!(matches("SMTP:Dana.Ruiz@contoso.com", None, &addr));
        assert!(matches("dana.r", None, &addr));
        assert!(!matches("contoso", Some("Dana Ruiz"), &addr));
        assert!(!matches("  ", Some("Dana Ruiz"), &addr));
        assert!(!matches("smtp:", Some("Dana Ruiz"), &addr));
    }
}
