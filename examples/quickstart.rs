//! exsync quickstart.
//!
//! Today this walks through the layers that exist: the service account's user name in both forms,
//! the autodiscover plan for a user (which URLs would be tried, and which would never receive the
//! password), the impersonated `SyncFolderItems` request the sync engine sends for a user's contacts,
//! and the reading of Exchange's answer. Once the simulator and the sync engine land (issues 4–6),
//! it runs a whole two-way sync against the simulator with SQLite state instead; no Exchange is
//! needed either way.
//!
//! ```text
//! cargo run --example quickstart
//! ```

use std::time::Duration;

use exsync::autodiscover::plan::{Attempt, AutodiscoverConfig, AutodiscoverPlan, DenyAll, Outcome, Step};
use exsync::ews::*;
use exsync::transport::user_name::UserName;

/// What Exchange answers to the first `SyncFolderItems` of a contacts folder (shape as Exchange 2016
/// sends it).
const EXCHANGE_ANSWER: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
  <s:Header>
    <h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/>
  </s:Header>
  <s:Body>
    <m:SyncFolderItemsResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
      <m:ResponseMessages>
        <m:SyncFolderItemsResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:SyncState>H4sIAAAAAAAEAO29B2AcSZYlJi9tynt/SvVK1+B0oQiAYBMk2JBAEOzBiM3mkuwdaUcjKasqgcplVmVdZhZAzO2dvPfee+</m:SyncState>
          <m:IncludesLastItemInRange>true</m:IncludesLastItemInRange>
          <m:Changes>
            <t:Create>
              <t:Contact>
                <t:ItemId Id="AAMkAGI2NGVhZTVlLTI1OGMtNDI4My1iZmE5LTA5OGJiZmRhMDIyNgBGAAAAAAC4" ChangeKey="EQAAABYAAAD4"/>
                <t:Subject>Anna Lidman</t:Subject>
                <t:DisplayName>Anna Lidman</t:DisplayName>
                <t:GivenName>Anna</t:GivenName>
                <t:CompanyName>Contoso &amp; Partners</t:CompanyName>
                <t:EmailAddresses>
                  <t:Entry Key="EmailAddress1">anna@contoso.com</t:Entry>
                </t:EmailAddresses>
                <t:PhoneNumbers>
                  <t:Entry Key="BusinessPhone">+46 8 555 0100</t:Entry>
                  <t:Entry Key="MobilePhone">+46 70 555 0101</t:Entry>
                </t:PhoneNumbers>
                <t:JobTitle>Buyer</t:JobTitle>
                <t:Surname>Lidman</t:Surname>
              </t:Contact>
            </t:Create>
            <t:Delete>
              <t:ItemId Id="AAMkAGI2NGVhZTVlLTI1OGMtNDI4My1iZmE5LTA5OGJiZmRhMDIyNgBGAAAAAAC5" ChangeKey="EQAAABYAAAD5"/>
            </t:Delete>
          </m:Changes>
        </m:SyncFolderItemsResponseMessage>
      </m:ResponseMessages>
    </m:SyncFolderItemsResponse>
  </s:Body>
</s:Envelope>"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("exsync quickstart — the protocol layer (simulator and sync engine: coming next)\n");

    // 1. The service account, as the admin types it; the other form is tried when one fails.
    let account = UserName::parse("contoso.com\\svc-crm")?;
    let other = account.alternate().map(|u| u.to_string()).unwrap_or_else(|| "(none)".into());
    println!("1. service account {account}  (other form to try: {other})");

    // 2. Autodiscover for an enrolled user: the plan says where to go, the driver does the I/O.
    let mut plan = AutodiscoverPlan::new("alice@contoso.com", AutodiscoverConfig::default(), DenyAll)?;
    println!("2. autodiscover for alice@contoso.com would try, in order:");
    for _ in 0..8 {
        match plan.next_step() {
            Step::Attempt(a) => {
                let target = match &a {
                    Attempt::SrvLookup { .. } => "_autodiscover._tcp.contoso.com (SRV)".to_string(),
                    other => other.url().map(|u| u.to_string()).unwrap_or_default(),
                };
                let creds = if a.sends_credentials() { "with credentials" } else { "no credentials" };
                println!("   - {:<22} {target}  [{creds}]", a.operation());
                // Pretend this host does not answer, to see the next candidate.
                plan.handle(Outcome::Network("connection refused".into()), Duration::from_millis(1))?;
            }
            Step::Done(result) => {
                println!("   done: {}", result.map(|_| "found".to_string()).unwrap_or_else(|e| e.to_string()));
                break;
            }
        }
    }

    // 3. The first sync of Alice's contacts, acting as Alice through impersonation.
    let shape = ItemShape::new(BaseShape::AllProperties);
    let request = Request::new(
        RequestHeader::impersonating(ExchangeVersion::Exchange2016, "alice@contoso.com"),
        SyncFolderItems::new(BaseFolderId::distinguished(DistinguishedFolderName::Contacts), shape),
    );
    let soap = request.to_xml_string();
    println!("\n3. SyncFolderItems request for alice's contacts: {} bytes of SOAP, impersonating alice", soap.len());
    assert_eq!(Request::<SyncFolderItems>::parse(&soap)?, request, "what we send reads back the same");

    // 4. Exchange's answer, read into types.
    let answer = Request::<SyncFolderItems>::parse_response(EXCHANGE_ANSWER)?;
    let version = answer.server_version.as_ref().and_then(|v| v.version.clone()).unwrap_or_default();
    println!("4. Exchange ({version}) answered:");
    let ResponseBody::Message(body) = answer.body else { return Err("Exchange sent a SOAP fault".into()) };
    for message in &body.messages {
        println!("   {} / {}", message.status.class, message.status.code);
        for change in &message.content.changes {
            match change {
                SyncChange::Create(Item::Contact(c)) => println!(
                    "   + contact {} <{}>, {}",
                    c.display_name.as_deref().unwrap_or("?"),
                    c.primary_email().unwrap_or("no e-mail"),
                    c.company_name.as_deref().unwrap_or("no company")
                ),
                SyncChange::Delete(id) => println!("   - deleted item {}…", &id.id[..16.min(id.id.len())]),
                other => println!("   ~ {:?}", other.item_id()),
            }
        }
        let done = message.content.includes_last_item_in_range.unwrap_or(false);
        println!(
            "   sync state saved ({} bytes); all changes received: {done}",
            message.content.sync_state.as_ref().map_or(0, |s| s.len())
        );
    }
    Ok(())
}
