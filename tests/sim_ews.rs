//! The simulator's EWS endpoint over real HTTP: authentication, impersonation, schema and version
//! checks, and the operations with Exchange's semantics.
#![cfg(feature = "sim")]

mod sim_client;

use exsync::ews::*;
use exsync::sim::{AuthScheme, AuthSchemes, ServerProfile};
use sim_client::{Client, PASSWORD, as_user, basic, fault, message, org, svc};

const CONTACTS: DistinguishedFolderName = DistinguishedFolderName::Contacts;

fn contacts() -> BaseFolderId {
    BaseFolderId::distinguished(CONTACTS)
}

fn contact(name: &str) -> Item {
    Item::Contact(Box::new(Contact { display_name: Some(name.into()), ..Contact::default() }))
}

fn get_contacts_folder() -> GetFolder {
    GetFolder::new(vec![contacts()], FolderShape::new(BaseShape::Default))
}

// ------------------------------------------------------------------ authentication

#[tokio::test]
async fn basic_auth_accepts_every_logon_form_and_refuses_bad_credentials() {
    let server = org().start().await.unwrap();
    let mut c = Client::connect(&server).await;
    let req = as_user("alice@contoso.com", get_contacts_folder());
    for user in ["svc@contoso.com", r"CONTOSO\svc", r"contoso.com\SVC"] {
        let (status, r) = c.ews(&basic(user, PASSWORD), &req).await;
        assert_eq!(status, 200, "{user}");
        assert_eq!(message(r).folders().next().and_then(Folder::display_name), Some("Contacts"));
    }
    for auth in
        [basic("svc@contoso.com", "wrong"), basic("nobody@contoso.com", PASSWORD), String::new(), "Basic !!!".into()]
    {
        let a = c.ews_raw(&auth, &req.to_xml_string()).await;
        assert_eq!(a.status, 401, "{auth}");
        let schemes = a.header_values("www-authenticate");
        assert!(schemes.iter().any(|s| s.starts_with("Basic realm=")), "{schemes:?}");
        assert!(schemes.iter().any(|s| s.starts_with("Bearer")), "{schemes:?}");
        assert!(!a.body.contains(PASSWORD));
    }
    // The connection stays usable after a 401.
    assert_eq!(c.ews(&svc(), &req).await.0, 200);
    assert_eq!(server.counters().unauthorized, 4);
}

#[tokio::test]
async fn disabled_schemes_are_refused_and_not_offered() {
    let server = org().auth(AuthSchemes::only(AuthScheme::Bearer)).start().await.unwrap();
    let mut c = Client::connect(&server).await;
    let a = c.ews_raw(&svc(), &as_user("alice@contoso.com", get_contacts_folder()).to_xml_string()).await;
    assert_eq!(a.status, 401);
    assert_eq!(a.header_values("www-authenticate").len(), 1);
    assert!(a.header_values("www-authenticate")[0].starts_with("Bearer"));
    let ntlm = c.post("/EWS/Exchange.asmx", "NTLM TlRMTVNTUAABAAAAB4IIog==", "x").await.unwrap();
    assert_eq!(ntlm.status, 401);
}

#[tokio::test]
async fn no_scheme_is_a_configuration_error() {
    let e = org().auth(AuthSchemes::none()).start().await.unwrap_err();
    assert!(e.to_string().contains("no authentication scheme"), "{e}");
}

// ------------------------------------------------------------------ impersonation

#[tokio::test]
async fn impersonation_outcomes_are_exchanges() {
    let server = org().start().await.unwrap();
    let mut c = Client::connect(&server).await;
    let limited = basic("limited@contoso.com", PASSWORD);
    let plain = basic("plain@contoso.com", PASSWORD);

    let (s, r) = c.ews(&limited, &as_user("alice@contoso.com", get_contacts_folder())).await;
    assert_eq!(s, 200);
    message(r);
    let (s, r) = c.ews(&limited, &as_user("bob@contoso.com", get_contacts_folder())).await;
    assert_eq!(s, 500);
    assert_eq!(fault(r).code(), ResponseCode::ErrorImpersonateUserDenied);
    let (_, r) = c.ews(&plain, &as_user("alice@contoso.com", get_contacts_folder())).await;
    assert_eq!(fault(r).code(), ResponseCode::ErrorImpersonateUserDenied);
    let (_, r) = c.ews(&svc(), &as_user("carol@contoso.com", get_contacts_folder())).await;
    let f = fault(r);
    assert_eq!(f.code(), ResponseCode::ErrorNonExistentMailbox);
    assert_eq!(f.fault_string, "The SMTP address has no mailbox associated with it.");

    let by = |sid: ConnectingSid| {
        let mut h = RequestHeader::new(ExchangeVersion::Exchange2016);
        h.impersonation = Some(ExchangeImpersonation { connecting_sid: sid });
        Request::new(h, get_contacts_folder())
    };
    let bob = server.mailbox_user("bob@contoso.com").unwrap();
    let (s, _) = c.ews(&svc(), &by(ConnectingSid::Sid(bob.sid.clone()))).await;
    assert_eq!(s, 200);
    let (s, _) = c.ews(&svc(), &by(ConnectingSid::PrincipalName(bob.principal_name.clone()))).await;
    assert_eq!(s, 200);
    let (_, r) = c.ews(&svc(), &by(ConnectingSid::Sid("S-1-5-21-1-2-3-999".into()))).await;
    assert_eq!(fault(r).code(), ResponseCode::ErrorImpersonationFailed);

    // Without impersonation: the caller's own mailbox, or a fault when it has none.
    let own = Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), get_contacts_folder());
    let (s, r) = c.ews(&plain, &own).await;
    assert_eq!(s, 200);
    message(r);
    let (_, r) = c.ews(&svc(), &own).await;
    assert_eq!(fault(r).code(), ResponseCode::ErrorMissingEmailAddress);
    let counted = server.counters();
    assert_eq!(counted.mailbox("plain@contoso.com"), 1);
    assert_eq!(counted.mailbox("bob@contoso.com"), 2);
}

#[tokio::test]
async fn anchor_mailbox_mismatches_are_counted() {
    let server = org().start().await.unwrap();
    let mut c = Client::connect(&server).await;
    let xml = as_user("alice@contoso.com", get_contacts_folder()).to_xml_string();
    let auth = svc();
    for anchor in ["alice@contoso.com", "bob@contoso.com"] {
        let headers = [("content-type", "text/xml"), ("authorization", auth.as_str()), ("x-anchormailbox", anchor)];
        assert_eq!(c.send(http::Method::POST, "/EWS/Exchange.asmx", &headers, xml.clone()).await.unwrap().status, 200);
    }
    // No anchor at all.
    c.ews_raw(&auth, &xml).await;
    assert_eq!(server.counters().anchor_mailbox_mismatches, 2);
}

// ------------------------------------------------------------------ schema and versions

#[tokio::test]
async fn schema_violations_are_faults_with_line_and_position() {
    let server = org().start().await.unwrap();
    let mut c = Client::connect(&server).await;
    let good = as_user("alice@contoso.com", get_contacts_folder()).to_xml_string();

    let unknown = good.replace("<m:FolderIds>", "<m:Bogus/>\n<m:FolderIds>");
    // xs:sequence order (checked by the strict parser of every operation; the other seven in
    // tests/sim_schema_order.rs): MaxChangesReturned before SyncFolderId.
    let sync = as_user("alice@contoso.com", SyncFolderItems::new(contacts(), ItemShape::new(BaseShape::IdOnly)))
        .to_xml_string();
    let max = "<m:MaxChangesReturned>512</m:MaxChangesReturned>";
    let wrong_order = sync.replace(max, "").replace("<m:SyncFolderId>", &format!("{max}<m:SyncFolderId>"));
    let missing = good.replace("<m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape>", "");
    let malformed = good.replace("</m:GetFolder>", "</m:GetFolders>");
    for (what, xml) in [("unknown", unknown), ("order", wrong_order), ("missing", missing), ("malformed", malformed)] {
        let a = c.ews_raw(&svc(), &xml).await;
        assert_eq!(a.status, 500, "{what}: {}", a.body);
        let r = Request::<GetFolder>::parse_response(&a.body).unwrap();
        assert!(r.server_version.is_some(), "{what}");
        let f = fault(r);
        assert_eq!(f.code(), ResponseCode::ErrorSchemaValidation, "{what}");
        let (line, pos) = f.schema_position().unwrap_or_else(|| panic!("{what}: {f:?}"));
        assert!(line >= 1 && pos >= 1, "{what}");
        assert!(f.message_xml.as_ref().and_then(|m| m.violation()).is_some(), "{what}");
    }
    // The unknown element is reported where it is.
    let xml = good.replace("<m:FolderIds>", "\n\n  <m:Bogus/><m:FolderIds>");
    let f = fault(Request::<GetFolder>::parse_response(&c.ews_raw(&svc(), &xml).await.body).unwrap());
    let line_of_bogus = xml[..xml.find("<m:Bogus/>").unwrap()].matches('\n').count() as u64 + 1;
    assert_eq!(f.schema_position().unwrap(), (line_of_bogus, 3));

    let bad_utf8: Vec<u8> = [&good.as_bytes()[..40], &[0xff, 0xfe], &good.as_bytes()[40..]].concat();
    let a = c.post("/EWS/Exchange.asmx", &svc(), bad_utf8).await.unwrap();
    assert!(a.body.contains("ErrorSchemaValidation"));
}

#[tokio::test]
async fn request_versions_are_checked_as_exchange_does() {
    let server = org().server_profile(ServerProfile::Exchange2010Sp2).start().await.unwrap();
    let mut c = Client::connect(&server).await;
    let at =
        |v: ExchangeVersion| Request::new(RequestHeader::impersonating(v, "alice@contoso.com"), get_contacts_folder());
    for v in [ExchangeVersion::V2017_07_11, ExchangeVersion::Exchange2013, ExchangeVersion::Exchange2009] {
        let (s, r) = c.ews(&svc(), &at(v)).await;
        assert_eq!(s, 500);
        let info = r.server_version.clone().unwrap();
        assert_eq!((info.major_version, info.version.as_deref()), (Some(14), Some("Exchange2010_SP2")));
        assert_eq!(fault(r).code(), ResponseCode::ErrorInvalidServerVersion, "{v:?}");
    }
    let (s, r) = c.ews(&svc(), &at(ExchangeVersion::Exchange2010Sp2)).await;
    assert_eq!(s, 200);
    message(r);
    // A value that is no ExchangeVersionType at all fails schema validation.
    let xml = at(ExchangeVersion::Exchange2010Sp2).to_xml_string().replace("Exchange2010_SP2", "Exchange2019");
    let f = fault(Request::<GetFolder>::parse_response(&c.ews_raw(&svc(), &xml).await.body).unwrap());
    assert_eq!(f.code(), ResponseCode::ErrorSchemaValidation);
    // An element the 2010 SP2 schema lacks, in a request that says Exchange2010_SP2.
    let mut item = contact("Dana");
    item.base_mut().body = Some(Body { body_type: BodyType::Text, content: "x".into(), is_truncated: Some(false) });
    let create = Request::new(
        RequestHeader::impersonating(ExchangeVersion::Exchange2010Sp2, "alice@contoso.com"),
        CreateItem::save_only(contacts(), vec![item]),
    );
    let (_, r) = c.ews(&svc(), &create).await;
    assert_eq!(fault(r).code(), ResponseCode::ErrorIncorrectSchemaVersion);
}

// ------------------------------------------------------------------ operations

#[tokio::test]
async fn sync_pages_over_http_then_reports_changes() {
    let server = org().start().await.unwrap();
    let ids: Vec<ItemId> = (0..5)
        .map(|i| server.side_door("alice@contoso.com", |d| d.create(&contacts(), contact(&format!("C{i}")))).unwrap())
        .collect();
    let mut c = Client::connect(&server).await;
    let shape = ItemShape::new(BaseShape::IdOnly);
    let mut state: Option<String> = None;
    let mut seen = Vec::new();
    for page in 0.. {
        let mut op =
            SyncFolderItems::new(contacts(), shape.clone()).with_max_changes(MaxChangesReturned::new(2).unwrap());
        if let Some(s) = &state {
            op = op.with_sync_state(s.clone());
        }
        let (_, r) = c.ews(&svc(), &as_user("alice@contoso.com", op)).await;
        let m = message(r).messages.remove(0);
        assert_eq!(m.status.code, ResponseCode::NoError);
        assert!(m.content.changes.len() <= 2);
        seen.extend(m.content.changes.iter().map(|ch| ch.item_id().unwrap().id.clone()));
        state = m.content.sync_state.clone();
        if m.content.includes_last_item_in_range.unwrap() {
            assert_eq!(page, 2);
            break;
        }
    }
    assert_eq!(seen, ids.iter().map(|i| i.id.clone()).collect::<Vec<_>>());

    server
        .side_door("alice@contoso.com", |d| {
            d.change(&ids[1], |i| i.base_mut().subject = Some("edited".into()))?;
            d.delete(&ids[2])
        })
        .unwrap();
    let op = SyncFolderItems::new(contacts(), ItemShape::new(BaseShape::AllProperties)).with_sync_state(state.unwrap());
    let (_, r) = c.ews(&svc(), &as_user("alice@contoso.com", op)).await;
    let m = message(r).messages.remove(0);
    match &m.content.changes[..] {
        [SyncChange::Update(i), SyncChange::Delete(d)] => {
            assert_eq!(i.base().subject.as_deref(), Some("edited"));
            assert_eq!(d.id, ids[2].id);
        }
        other => panic!("{other:?}"),
    }
    // A state from another mailbox is refused.
    let bob = SyncFolderItems::new(contacts(), shape).with_sync_state(m.content.sync_state.unwrap());
    let (_, r) = c.ews(&svc(), &as_user("bob@contoso.com", bob)).await;
    let m = message(r).messages.remove(0);
    assert_eq!(m.status.code, ResponseCode::ErrorInvalidSyncStateData);
    assert_eq!(m.content.sync_state.as_deref(), Some(""));
}

#[tokio::test]
async fn change_keys_change_and_stale_ones_conflict() {
    let server = org().start().await.unwrap();
    let mut c = Client::connect(&server).await;
    let (_, r) =
        c.ews(&svc(), &as_user("alice@contoso.com", CreateItem::save_only(contacts(), vec![contact("Dana")]))).await;
    let created = message(r).items().next().and_then(Item::id).cloned().unwrap();
    assert!(created.change_key.is_some());

    let set_company = |id: ItemId, company: &str, how| {
        let value = Item::Contact(Box::new(Contact { company_name: Some(company.into()), ..Contact::default() }));
        UpdateItem::save_only(
            how,
            vec![ItemChange::new(id, vec![ItemUpdate::set(PropertyPath::field("contacts:CompanyName"), value)])],
        )
    };
    let (_, r) = c
        .ews(
            &svc(),
            &as_user("alice@contoso.com", set_company(created.clone(), "Fabrikam", ConflictResolution::NeverOverwrite)),
        )
        .await;
    let m = message(r).messages.remove(0);
    assert_eq!(m.status.code, ResponseCode::NoError);
    let updated = m.content.items[0].id().cloned().unwrap();
    assert_eq!(updated.id, created.id);
    assert_ne!(updated.change_key, created.change_key);

    // The first change key is stale now.
    let (_, r) = c
        .ews(
            &svc(),
            &as_user("alice@contoso.com", set_company(created.clone(), "Contoso", ConflictResolution::NeverOverwrite)),
        )
        .await;
    let m = message(r).messages.remove(0);
    assert_eq!(m.status.code, ResponseCode::ErrorIrresolvableConflict);
    let (_, r) = c
        .ews(
            &svc(),
            &as_user("alice@contoso.com", set_company(created, "Contoso", ConflictResolution::AlwaysOverwrite)),
        )
        .await;
    let m = message(r).messages.remove(0);
    assert_eq!(m.status.code, ResponseCode::NoError);
    assert_eq!(m.content.conflict_results.map(|c| c.count), Some(1));
}

#[tokio::test]
async fn per_item_results_come_in_input_order() {
    let server = org().start().await.unwrap();
    let a = server.side_door("alice@contoso.com", |d| d.create(&contacts(), contact("A"))).unwrap();
    let b = server.side_door("alice@contoso.com", |d| d.create(&contacts(), contact("B"))).unwrap();
    let bobs = server.side_door("bob@contoso.com", |d| d.create(&contacts(), contact("Bob's"))).unwrap();
    server.side_door("alice@contoso.com", |d| d.delete_with(&b, DeleteType::HardDelete)).unwrap();
    let mut c = Client::connect(&server).await;
    let ids = vec![a.clone(), b, ItemId::new("not-an-id"), bobs, a];
    let (_, r) =
        c.ews(&svc(), &as_user("alice@contoso.com", GetItem::new(ids, ItemShape::new(BaseShape::AllProperties)))).await;
    let codes: Vec<ResponseCode> = message(r).messages.into_iter().map(|m| m.status.code).collect();
    assert_eq!(
        codes,
        [
            ResponseCode::NoError,
            ResponseCode::ErrorItemNotFound,
            ResponseCode::ErrorInvalidIdMalformed,
            ResponseCode::ErrorAccessDenied,
            ResponseCode::NoError
        ]
    );
}

#[tokio::test]
async fn items_are_created_read_found_and_deleted() {
    let server = org().start().await.unwrap();
    let mut c = Client::connect(&server).await;
    let (_, r) =
        c.ews(&svc(), &as_user("alice@contoso.com", CreateItem::new(vec![contact("Dana Ruiz"), contact("Eve")]))).await;
    let ids: Vec<ItemId> = message(r).items().filter_map(Item::id).cloned().collect();
    assert_eq!(ids.len(), 2);

    let mut shape = ItemShape::new(BaseShape::IdOnly);
    shape.additional_properties = vec![PropertyPath::field("contacts:DisplayName")];
    let (_, r) = c.ews(&svc(), &as_user("alice@contoso.com", GetItem::new(vec![ids[0].clone()], shape))).await;
    let Some(Item::Contact(got)) = message(r).items().next().cloned() else { panic!() };
    assert_eq!(got.display_name.as_deref(), Some("Dana Ruiz"));
    assert_eq!(got.item.date_time_created, None);

    let find = FindItem::new(contacts(), ItemShape::new(BaseShape::Default))
        .with_view(ItemView::IndexedPage(IndexedPageView::first(1)));
    let (_, r) = c.ews(&svc(), &as_user("alice@contoso.com", find)).await;
    let root = message(r).messages.remove(0).content.root_folder.unwrap();
    assert_eq!((root.paging.total_items_in_view, root.paging.includes_last_item_in_range), (Some(2), Some(false)));
    // A SortOrder sorts before paging (exchangelib's `order_by`).
    let sorted = FindItem::new(contacts(), ItemShape::new(BaseShape::Default))
        .sorted_by(PropertyPath::field("contacts:DisplayName"), SortDirection::Descending);
    let (_, r) = c.ews(&svc(), &as_user("alice@contoso.com", sorted)).await;
    let names: Vec<String> = message(r)
        .items()
        .filter_map(|i| match i {
            Item::Contact(c) => c.display_name.clone(),
            _ => None,
        })
        .collect();
    assert_eq!(names, ["Eve", "Dana Ruiz"]);

    let (_, r) =
        c.ews(&svc(), &as_user("alice@contoso.com", DeleteItem::new(ids.clone(), DeleteType::HardDelete))).await;
    assert!(message(r).messages.iter().all(|m| m.status.code == ResponseCode::NoError));
    let (_, r) = c
        .ews(&svc(), &as_user("alice@contoso.com", DeleteItem::new(vec![ids[0].clone()], DeleteType::HardDelete)))
        .await;
    assert_eq!(message(r).messages[0].status.code, ResponseCode::ErrorItemNotFound);
}

/// `FindItem` with a `CalendarView` lists single items and the occurrences of series (exchangelib's
/// `view()`), and `GetItem` reads an occurrence by its id; deleting one removes it from the series.
#[tokio::test]
async fn calendar_views_expand_series_into_occurrences() {
    let server = org().start().await.unwrap();
    let mut c = Client::connect(&server).await;
    let calendar = BaseFolderId::distinguished(DistinguishedFolderName::Calendar);
    let event = |subject: &str, start: &str, end: &str, recurrence: Option<Recurrence>| {
        let mut e = CalendarItem {
            start: EwsDateTime::parse(start),
            end: EwsDateTime::parse(end),
            start_time_zone: Some(TimeZoneDefinition::by_id("UTC")),
            recurrence,
            ..CalendarItem::default()
        };
        e.item.subject = Some(subject.into());
        Item::CalendarItem(Box::new(e))
    };
    let daily = Recurrence {
        pattern: RecurrencePattern::Daily { interval: 2 },
        range: RecurrenceRange::Numbered {
            start_date: EwsDate::parse("2027-03-01").unwrap(),
            number_of_occurrences: 4,
        },
    };
    let create = CreateItem::save_only(
        calendar.clone(),
        vec![
            event("Series", "2027-03-01T09:00:00Z", "2027-03-01T09:30:00Z", Some(daily)),
            event("Single", "2027-03-02T12:00:00Z", "2027-03-02T13:00:00Z", None),
        ],
    );
    let (_, r) = c.ews(&svc(), &as_user("alice@contoso.com", create)).await;
    let series_id = message(r).items().next().and_then(Item::id).cloned().unwrap();

    let view = FindItem::calendar_view(
        calendar.clone(),
        EwsDateTime::parse("2027-03-02T00:00:00Z").unwrap(),
        EwsDateTime::parse("2027-03-10T00:00:00Z").unwrap(),
        ItemShape::new(BaseShape::Default),
    );
    let (_, r) = c.ews(&svc(), &as_user("alice@contoso.com", view)).await;
    let r = message(r);
    let listed: Vec<(String, String, Option<CalendarItemType>)> = r
        .items()
        .map(|i| match i {
            Item::CalendarItem(e) => {
                (e.item.subject.clone().unwrap(), e.start.unwrap().to_string(), e.calendar_item_type)
            }
            other => panic!("{other:?}"),
        })
        .collect();
    let row = |s: &str, t: &str, k| (s.to_owned(), t.to_owned(), Some(k));
    assert_eq!(
        listed,
        [
            row("Single", "2027-03-02T12:00:00Z", CalendarItemType::Single),
            row("Series", "2027-03-03T09:00:00Z", CalendarItemType::Occurrence),
            row("Series", "2027-03-05T09:00:00Z", CalendarItemType::Occurrence),
            row("Series", "2027-03-07T09:00:00Z", CalendarItemType::Occurrence),
        ]
    );
    let root = r.messages[0].content.root_folder.as_ref().unwrap();
    assert_eq!((root.paging.total_items_in_view, root.paging.includes_last_item_in_range), (Some(4), Some(true)));

    let occurrence = r.items().nth(2).and_then(Item::id).cloned().unwrap();
    assert_ne!(occurrence.id, series_id.id);
    let get = GetItem::new(vec![occurrence.clone()], ItemShape::new(BaseShape::Default));
    let (_, g) = c.ews(&svc(), &as_user("alice@contoso.com", get)).await;
    let Some(Item::CalendarItem(o)) = message(g).items().next().cloned() else { panic!() };
    assert_eq!((o.start.unwrap().to_string(), o.recurrence), ("2027-03-05T09:00:00Z".to_owned(), None));

    let delete = DeleteItem::new(vec![occurrence.clone()], DeleteType::HardDelete);
    let (_, d) = c.ews(&svc(), &as_user("alice@contoso.com", delete)).await;
    assert_eq!(message(d).messages[0].status.code, ResponseCode::NoError);
    let get = GetItem::new(vec![occurrence], ItemShape::new(BaseShape::Default));
    let (_, g) = c.ews(&svc(), &as_user("alice@contoso.com", get)).await;
    assert_eq!(message(g).messages[0].status.code, ResponseCode::ErrorCalendarOccurrenceIsDeletedFromRecurrence);

    // A view of a folder that is no calendar is refused.
    let contacts_view = FindItem::calendar_view(
        contacts(),
        EwsDateTime::parse("2027-03-02T00:00:00Z").unwrap(),
        EwsDateTime::parse("2027-03-10T00:00:00Z").unwrap(),
        ItemShape::new(BaseShape::IdOnly),
    );
    let (_, r) = c.ews(&svc(), &as_user("alice@contoso.com", contacts_view)).await;
    assert_eq!(message(r).messages[0].status.code, ResponseCode::ErrorCalendarFolderIsInvalidForCalendarView);
}

#[tokio::test]
async fn folders_by_id_and_name() {
    let server = org().start().await.unwrap();
    let mut c = Client::connect(&server).await;
    let names =
        [DistinguishedFolderName::Root, DistinguishedFolderName::Calendar, CONTACTS, DistinguishedFolderName::Inbox];
    let (_, r) = c.ews(&svc(), &as_user("bob@contoso.com", GetFolder::distinguished(&names))).await;
    let folders: Vec<Folder> = message(r).folders().cloned().collect();
    assert_eq!(folders.len(), 4);
    assert_eq!(folders[1].element_name(), "CalendarFolder");
    let contacts_folder = &folders[2];
    let base = contacts_folder.base();
    assert_eq!(base.folder_class.as_deref(), Some("IPF.Contact"));
    assert_eq!(base.total_count, Some(0));
    assert!(base.effective_rights.is_some_and(|r| r.create_contents));
    assert!(base.parent_folder_id.is_some());

    let by_id = BaseFolderId::Folder(contacts_folder.id().cloned().unwrap());
    let (_, r) =
        c.ews(&svc(), &as_user("bob@contoso.com", CreateFolder::contacts_folder(by_id.clone(), "Clients"))).await;
    let made = message(r).folders().next().cloned().unwrap();
    assert!(made.id().is_some());
    let (_, r) =
        c.ews(&svc(), &as_user("bob@contoso.com", CreateFolder::contacts_folder(by_id.clone(), "clients"))).await;
    assert_eq!(message(r).messages[0].status.code, ResponseCode::ErrorFolderExists);

    let (_, r) =
        c.ews(&svc(), &as_user("bob@contoso.com", FindFolder::by_display_name(by_id.clone(), "CLIENTS"))).await;
    let found: Vec<Folder> = message(r).folders().cloned().collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id().map(|f| &f.id), made.id().map(|f| &f.id));
    let (_, r) = c
        .ews(&svc(), &as_user("bob@contoso.com", GetFolder::new(vec![by_id], FolderShape::new(BaseShape::IdOnly))))
        .await;
    let f = message(r).folders().next().cloned().unwrap();
    assert_eq!((f.display_name(), f.base().child_folder_count), (None, None));
    // Alice's folder id in Bob's mailbox.
    let alice_contacts = server.with_mailbox("alice@contoso.com", |m| m.folder_id(CONTACTS)).unwrap().unwrap();
    let op = GetFolder::new(vec![BaseFolderId::Folder(alice_contacts)], FolderShape::new(BaseShape::Default));
    let (_, r) = c.ews(&svc(), &as_user("bob@contoso.com", op)).await;
    assert_eq!(message(r).messages[0].status.code, ResponseCode::ErrorAccessDenied);
}

#[tokio::test]
async fn names_resolve_in_the_directory_and_contacts() {
    let server = org().start().await.unwrap();
    server
        .side_door("alice@contoso.com", |d| {
            let mut c = Contact { display_name: Some("Bobby Tables".into()), ..Contact::default() };
            c.email_addresses = vec![EmailAddress::new(EmailAddressKey::EmailAddress1, "bobby@fabrikam.com")];
            d.create(&contacts(), Item::Contact(Box::new(c)))
        })
        .unwrap();
    let mut c = Client::connect(&server).await;
    let (_, r) = c.ews(&svc(), &as_user("alice@contoso.com", ResolveNames::new("bob", true))).await;
    let m = message(r).messages.remove(0);
    assert_eq!(
        (m.status.class, m.status.code.clone()),
        (ResponseClass::Warning, ResponseCode::ErrorNameResolutionMultipleResults)
    );
    let set = m.content.resolution_set.unwrap();
    assert_eq!(set.resolutions.len(), 2);
    assert_eq!(set.resolutions[0].mailbox.email_address.as_deref(), Some("bob@contoso.com"));
    assert_eq!(set.resolutions[1].mailbox.mailbox_type, Some(MailboxType::Contact));
    let (_, r) = c.ews(&svc(), &as_user("alice@contoso.com", ResolveNames::new("SMTP:alice@contoso.com", false))).await;
    let m = message(r).messages.remove(0);
    assert_eq!(m.status.code, ResponseCode::NoError);
    let (_, r) = c.ews(&svc(), &as_user("alice@contoso.com", ResolveNames::new("zed", false))).await;
    assert_eq!(message(r).messages[0].status.code, ResponseCode::ErrorNameResolutionNoResults);
}

#[tokio::test]
async fn ids_convert_and_come_back() {
    let server = org().start().await.unwrap();
    let id = server.side_door("alice@contoso.com", |d| d.create(&contacts(), contact("A"))).unwrap();
    let mut c = Client::connect(&server).await;
    let to_hex = ConvertId::new(
        IdFormat::HexEntryId,
        vec![AlternateId::new(IdFormat::EwsId, id.id.clone(), "alice@contoso.com")],
    );
    let (_, r) = c.ews(&svc(), &as_user("alice@contoso.com", to_hex)).await;
    let hex = message(r).ids().next().flatten().and_then(|a| a.as_mailbox()).unwrap().id.clone();
    assert!(hex.chars().all(|ch| ch.is_ascii_hexdigit()));
    let back = ConvertId::new(
        IdFormat::EwsId,
        vec![
            AlternateId::new(IdFormat::HexEntryId, hex, "alice@contoso.com"),
            AlternateId::new(IdFormat::EwsId, id.id.clone(), "bob@contoso.com"),
            AlternateId::new(IdFormat::OwaId, "x", "alice@contoso.com"),
        ],
    );
    let (_, r) = c.ews(&svc(), &as_user("alice@contoso.com", back)).await;
    let r = message(r);
    assert_eq!(
        r.messages[0].content.alternate_id.as_ref().and_then(|a| a.as_mailbox()).map(|a| a.id.clone()),
        Some(id.id)
    );
    assert_eq!(r.messages[1].status.code, ResponseCode::ErrorInvalidIdMalformed);
    assert_eq!(r.messages[2].status.code, ResponseCode::ErrorInvalidRequest);
}

#[tokio::test]
async fn unknown_paths_methods_and_operations() {
    let server = org().start().await.unwrap();
    let mut c = Client::connect(&server).await;
    assert_eq!(c.post("/nothing", &svc(), "").await.unwrap().status, 404);
    let get = c.send(http::Method::GET, "/EWS/Exchange.asmx", &[], "").await.unwrap();
    assert_eq!(get.status, 405);
    let xml = as_user("alice@contoso.com", get_contacts_folder())
        .to_xml_string()
        .replace("m:GetFolder>", "m:GetUserOofSettingsRequest>")
        .replace("<m:GetFolder", "<m:GetUserOofSettingsRequest");
    let f = fault(Request::<GetFolder>::parse_response(&c.ews_raw(&svc(), &xml).await.body).unwrap());
    assert_eq!(f.code(), ResponseCode::ErrorInvalidOperation);
    assert!(f.fault_string.contains("GetUserOofSettingsRequest"));
    // An element that is no EWS request at all breaks the schema, and the fault says where.
    let xml = xml.replace("GetUserOofSettingsRequest", "Frobnicate");
    let f = fault(Request::<GetFolder>::parse_response(&c.ews_raw(&svc(), &xml).await.body).unwrap());
    assert_eq!(f.code(), ResponseCode::ErrorSchemaValidation);
    let at = xml.find("<m:Frobnicate").unwrap();
    let line = xml[..at].matches('\n').count() + 1;
    let column = at - xml[..at].rfind('\n').map_or(0, |n| n + 1) + 1;
    let entries = f.message_xml.unwrap().entries;
    let entry = |name: &str| entries.iter().find(|e| e.element == name).map(|e| e.value.clone()).unwrap();
    assert_eq!((entry("LineNumber"), entry("LinePosition")), (line.to_string(), column.to_string()));
    assert!(entry("Violation").contains("m:Frobnicate"));
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let server = org().max_request_bytes(1024).start().await.unwrap();
    let mut c = Client::connect(&server).await;
    let a = c.post("/EWS/Exchange.asmx", &svc(), vec![b' '; 4096]).await.unwrap();
    assert_eq!(a.status, 413);
}
