//! Retry and throttling policy: causes read from real Exchange answers, each throttling path, the
//! budget that is never passed, the ambiguous create, and the adaptive concurrency limit.

mod common;

use std::num::NonZeroU32;
use std::time::{Duration, SystemTime};

use exsync::ews::response::read_messages;
use exsync::ews::{Response, ResponseBody, ResponseCode, SoapFault};
use exsync::transport::retry::{
    AccountConcurrency, AdaptivePolicy, Backoff, ConcurrencyLimits, Idempotency, NetworkFailure, RetryCause,
    RetryContext, RetryDecision, RetryError, RetryPolicy, SlotBusy, SlotOutcome,
};
use exsync::xml::XmlReader;
use proptest::prelude::*;

fn cx(attempts: u32, elapsed: Duration, idempotency: Idempotency) -> RetryContext {
    RetryContext { attempts, elapsed, idempotency }
}

fn idem(attempts: u32) -> RetryContext {
    cx(attempts, Duration::ZERO, Idempotency::Idempotent)
}

/// The status of the first response message of an EWS response document.
fn first_status(xml: &str) -> exsync::ews::ResponseStatus {
    let mut r = XmlReader::new(xml).unwrap();
    let root = r.root().unwrap();
    while let Some(c) = r.next_child(&root).unwrap() {
        if c.name() == "Body" {
            let op = r.next_child(&c).unwrap().unwrap();
            let messages = read_messages::<()>(&mut r, &op).unwrap();
            return messages.into_iter().next().unwrap().status;
        }
    }
    panic!("no Body")
}

fn fault(xml: &str) -> SoapFault {
    match Response::<SoapFault>::parse(xml, "NotAnOperation").unwrap().body {
        ResponseBody::Fault(f) => f,
        ResponseBody::Message(_) => panic!("not a fault"),
    }
}

#[test]
fn causes_from_real_exchange_answers() {
    let Some(shared) = common::shared_dir() else { return };
    let read = |p: &str| std::fs::read_to_string(shared.join("ews/samples").join(p)).unwrap();

    let busy = first_status(&read("SyncFolderItems/ewsrs-ErrorServerBusy-BackOffMilliseconds-resp.xml"));
    assert_eq!(
        RetryCause::from_status(&busy),
        Some(RetryCause::ServerBusy { back_off: Some(Duration::from_millis(5000)) })
    );

    let f = fault(&read("errors/ewsrs-fault-ErrorExceededConnectionCount-resp.xml"));
    assert_eq!(
        RetryCause::from_fault(&f),
        Some(RetryCause::ConnectionLimit { code: ResponseCode::ErrorExceededConnectionCount })
    );

    let objects = first_status(&read("errors/exchangelib-FindFolder-ErrorTooManyObjectsOpened-resp.xml"));
    assert_eq!(
        RetryCause::from_status(&objects),
        Some(RetryCause::ConnectionLimit { code: ResponseCode::ErrorTooManyObjectsOpened })
    );

    let schema = fault(&read("errors/ewsrs-fault-ErrorSchemaValidation-resp.xml"));
    assert_eq!(RetryCause::from_fault(&schema), None);
}

#[test]
fn server_busy_fault_in_an_http_500_body() {
    let xml = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>
      <faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorServerBusy</faultcode>
      <faultstring>The server cannot service this request right now. Try again later.</faultstring>
      <detail>
        <e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">ErrorServerBusy</e:ResponseCode>
        <t:MessageXml xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
          <t:Value Name="BackOffMilliseconds">297749</t:Value>
        </t:MessageXml>
      </detail></s:Fault></s:Body></s:Envelope>"#;
    let cause = RetryCause::from_fault(&fault(xml)).unwrap();
    assert_eq!(cause, RetryCause::ServerBusy { back_off: Some(Duration::from_millis(297_749)) });
    let mut b = Backoff::new(RetryPolicy::default(), 3);
    let short = RetryCause::ServerBusy { back_off: Some(Duration::from_millis(5000)) };
    match b.decide(&idem(1), &short) {
        RetryDecision::RetryAfter(w) => assert!(w >= Duration::from_millis(5000) && w <= Duration::from_millis(5500)),
        other => panic!("{other:?}"),
    }
    match b.decide(&idem(1), &cause) {
        RetryDecision::RetryAfter(w) => {
            // Up to a tenth more, but not past the budget of 300 s.
            assert!(w >= Duration::from_millis(297_749) && w <= Duration::from_secs(300), "{w:?}")
        }
        other => panic!("{other:?}"),
    }
    // Four minutes already spent: five more do not fit in the default budget of five.
    let late = cx(2, Duration::from_secs(240), Idempotency::Idempotent);
    assert!(matches!(b.decide(&late, &cause), RetryDecision::GiveUp(RetryError::BudgetExhausted { .. })));
}

#[test]
fn http_503_and_429_honour_retry_after() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let mut b = Backoff::new(RetryPolicy::default(), 9);
    let c = RetryCause::from_http(503, Some("7"), now).unwrap();
    assert_eq!(b.decide(&idem(1), &c), RetryDecision::RetryAfter(Duration::from_secs(7)));
    let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
    let c = RetryCause::from_http(429, Some(&date), now).unwrap();
    assert_eq!(b.decide(&idem(1), &c), RetryDecision::RetryAfter(Duration::from_secs(30)));
    // Without (or with an unreadable) Retry-After: exponential back-off.
    let c = RetryCause::from_http(503, Some("later"), now).unwrap();
    assert_eq!(c, RetryCause::HttpThrottled { status: 503, retry_after: None });
    match b.decide(&idem(3), &c) {
        RetryDecision::RetryAfter(w) => assert!(w >= Duration::from_secs(1) && w <= Duration::from_secs(2)),
        other => panic!("{other:?}"),
    }
    assert_eq!(RetryCause::from_http(500, None, now), None);
    assert_eq!(RetryCause::from_http(401, Some("5"), now), None);
}

#[test]
fn lost_response_of_a_create_is_ambiguous() {
    let mut b = Backoff::new(RetryPolicy::default(), 1);
    let create = cx(1, Duration::ZERO, Idempotency::NonIdempotent);
    let lost = RetryCause::Network(NetworkFailure::ResponseLost);
    let decision = b.decide(&create, &lost);
    assert_eq!(decision, RetryDecision::GiveUp(RetryError::Ambiguous));
    let RetryDecision::GiveUp(e) = decision else { unreachable!() };
    assert!(e.to_string().contains("may or may not have carried it out"));
    // Not sent at all, or refused by the server: safe to repeat even for a create.
    assert!(matches!(b.decide(&create, &RetryCause::Network(NetworkFailure::NotSent)), RetryDecision::RetryAfter(_)));
    let busy = RetryCause::ServerBusy { back_off: None };
    assert!(matches!(b.decide(&create, &busy), RetryDecision::RetryAfter(_)));
    // A read whose response was lost is simply retried.
    assert!(matches!(b.decide(&idem(1), &lost), RetryDecision::RetryAfter(_)));
}

#[test]
fn connection_count_lowers_concurrency() {
    let mut b = Backoff::new(RetryPolicy::default(), 5);
    let c = RetryCause::ConnectionLimit { code: ResponseCode::ErrorExceededConnectionCount };
    assert!(matches!(b.decide(&idem(1), &c), RetryDecision::LowerConcurrencyAndRetry(_)));
}

#[test]
fn attempt_limit() {
    let policy = RetryPolicy { max_attempts: 3, ..RetryPolicy::default() };
    let mut b = Backoff::new(policy, 5);
    let c = RetryCause::Network(NetworkFailure::NotSent);
    assert!(matches!(b.decide(&idem(2), &c), RetryDecision::RetryAfter(_)));
    assert!(matches!(b.decide(&idem(3), &c), RetryDecision::GiveUp(RetryError::AttemptsExhausted { attempts: 3, .. })));
}

#[test]
fn jitter_depends_on_the_seed_only() {
    let c = RetryCause::Network(NetworkFailure::NotSent);
    let run = |seed| {
        let mut b = Backoff::new(RetryPolicy::default(), seed);
        (1..8).map(|n| b.decide(&idem(n), &c)).collect::<Vec<_>>()
    };
    assert_eq!(run(11), run(11));
    assert_ne!(run(11), run(12));
}

#[test]
fn account_and_mailbox_slots() {
    let t = SystemTime::UNIX_EPOCH;
    let limits = ConcurrencyLimits {
        per_service_account: NonZeroU32::new(4).unwrap(),
        per_mailbox: NonZeroU32::new(2).unwrap(),
    };
    let mut acc = AccountConcurrency::new(limits, AdaptivePolicy::default());
    let a1 = acc.try_begin("alice@contoso.com").unwrap();
    let a2 = acc.try_begin("Alice@Contoso.com").unwrap();
    assert_eq!(acc.try_begin("alice@contoso.com"), Err(SlotBusy::Mailbox { limit: 2 }));
    let b1 = acc.try_begin("bob@contoso.com").unwrap();
    let c1 = acc.try_begin("carol@contoso.com").unwrap();
    assert_eq!(acc.try_begin("dave@contoso.com"), Err(SlotBusy::Account { limit: 4 }));
    assert_eq!(acc.in_flight(), 4);
    assert_eq!(acc.in_flight_for("ALICE@contoso.com"), 2);

    // A connection-count error halves the account limit; the burst's other errors do not.
    acc.finish(a1, SlotOutcome::ConnectionLimit, t);
    acc.finish(a2, SlotOutcome::ConnectionLimit, t + Duration::from_secs(1));
    assert_eq!(acc.account_limit(), 2);
    assert_eq!(acc.try_begin("dave@contoso.com"), Err(SlotBusy::Account { limit: 2 }));
    acc.finish(b1, SlotOutcome::OtherFailure, t);
    acc.finish(c1, SlotOutcome::Success, t);
    assert_eq!(acc.in_flight(), 0);
    assert_eq!(acc.in_flight_for("alice@contoso.com"), 0);

    // Recovery: one step per 20 successes and 30 s, up to the configured limit.
    let mut now = t + Duration::from_secs(100);
    while acc.account_limit() < 4 {
        for _ in 0..20 {
            let s = acc.try_begin("erin@contoso.com").unwrap();
            acc.finish(s, SlotOutcome::Success, now);
        }
        now += Duration::from_secs(30);
    }
    assert_eq!(acc.account_limit(), 4);
    assert!(now < t + Duration::from_secs(200));
}

fn cause() -> impl Strategy<Value = RetryCause> {
    prop_oneof![
        proptest::option::of(0u64..400_000)
            .prop_map(|ms| RetryCause::ServerBusy { back_off: ms.map(Duration::from_millis) }),
        (proptest::sample::select(vec![429u16, 503]), proptest::option::of(0u64..600))
            .prop_map(|(status, s)| RetryCause::HttpThrottled { status, retry_after: s.map(Duration::from_secs) }),
        Just(RetryCause::Network(NetworkFailure::NotSent)),
        Just(RetryCause::Network(NetworkFailure::ResponseLost)),
        Just(RetryCause::ConnectionLimit { code: ResponseCode::ErrorExceededConnectionCount }),
    ]
}

proptest! {
    /// Driving the policy with any sequence of failures: the waits never take the total past the
    /// budget, it ends within the attempt limit, and a create whose response was lost is never
    /// repeated.
    #[test]
    fn never_past_the_budget(
        seed in any::<u64>(),
        budget_s in 1u64..900,
        causes in proptest::collection::vec(cause(), 1..40),
        create in any::<bool>(),
    ) {
        let policy = RetryPolicy { budget: Duration::from_secs(budget_s), ..RetryPolicy::default() };
        let max = policy.max_attempts;
        let mut b = Backoff::new(policy, seed);
        let idempotency = if create { Idempotency::NonIdempotent } else { Idempotency::Idempotent };
        let mut elapsed = Duration::ZERO;
        let mut attempts = 0;
        for c in causes.iter().cycle() {
            attempts += 1;
            elapsed += Duration::from_millis(50); // the attempt itself
            prop_assert!(elapsed <= Duration::from_secs(budget_s) + Duration::from_millis(50));
            match b.decide(&cx(attempts, elapsed, idempotency), c) {
                RetryDecision::RetryAfter(w) | RetryDecision::LowerConcurrencyAndRetry(w) => {
                    prop_assert!(!(create && *c == RetryCause::Network(NetworkFailure::ResponseLost)));
                    elapsed += w;
                    prop_assert!(elapsed <= Duration::from_secs(budget_s));
                }
                RetryDecision::GiveUp(_) => break,
            }
            prop_assert!(attempts <= max);
        }
    }
}
