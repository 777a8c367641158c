use chrono::{Duration, TimeZone as _};
use proptest::prelude::*;

use super::*;

fn draft() -> GiftOfferDraft {
    GiftOfferDraft {
        name: " Free Latte ".into(),
        description: Some("  ".into()),
        points: Some(200),
        face_value: Some(1_490),
        face_value_type: Some(FaceValueType::Amount),
        image: None,
        terms: None,
        expiry_days: Some(30),
        membership_tier_id: None,
        quota: 2,
        quota_per_member: 1,
        start_at: None,
        end_at: None,
        status: OfferStatus::Active,
        claim_code: Some(" latte-2026 ".into()),
    }
}

fn offer(d: GiftOfferDraft, redeemed: i64) -> GiftOffer {
    GiftOffer {
        id: GiftOfferId::new(),
        tenant_id: TenantId::new(),
        draft: d,
        redeemed_count: redeemed,
        created_at: DateTime::<Utc>::UNIX_EPOCH,
        updated_at: DateTime::<Utc>::UNIX_EPOCH,
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 8, 10, 0, 0)
        .single()
        .unwrap_or_default()
}

#[test]
fn a_definition_is_trimmed_and_checked() {
    let d = draft().check().unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(d.name, "Free Latte");
    assert_eq!(d.description, None);
    assert_eq!(d.claim_code.as_deref(), Some("LATTE-2026"));
    let bad = GiftOfferDraft {
        name: String::new(),
        points: Some(0),
        face_value: Some(10_001),
        face_value_type: Some(FaceValueType::Percentage),
        expiry_days: Some(0),
        quota: -1,
        quota_per_member: -1,
        start_at: Some(now()),
        end_at: Some(now()),
        claim_code: Some("no spaces".into()),
        ..draft()
    };
    let fields: Vec<&str> = bad
        .check()
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(
        fields,
        [
            "name",
            "points",
            "faceValue",
            "expiryPeriod",
            "quota",
            "quotaPerMember",
            "endDate",
            "claimCode"
        ]
    );
    let priceless = GiftOfferDraft {
        points: None,
        claim_code: None,
        ..draft()
    };
    assert!(priceless.check().is_err());
    let untyped = GiftOfferDraft {
        face_value_type: None,
        ..draft()
    };
    assert!(untyped.check().is_err());
}

#[test]
fn availability() {
    let t = now();
    let tier = TierId::new(3).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(offer(draft(), 1).available(t, None), Ok(()));
    assert_eq!(
        offer(draft(), 2).available(t, None),
        Err(GiftRefusal::SoldOut)
    );
    let unlimited = GiftOfferDraft {
        quota: 0,
        ..draft()
    };
    assert_eq!(offer(unlimited, 1_000).available(t, None), Ok(()));
    let later = GiftOfferDraft {
        start_at: Some(t + Duration::hours(1)),
        ..draft()
    };
    assert_eq!(
        offer(later, 0).available(t, None),
        Err(GiftRefusal::NotAvailable)
    );
    let over = GiftOfferDraft {
        end_at: Some(t),
        ..draft()
    };
    assert_eq!(
        offer(over, 0).available(t, None),
        Err(GiftRefusal::NotAvailable)
    );
    let off = GiftOfferDraft {
        status: OfferStatus::Inactive,
        ..draft()
    };
    assert_eq!(
        offer(off, 0).available(t, None),
        Err(GiftRefusal::NotAvailable)
    );
    let gold = GiftOfferDraft {
        membership_tier_id: Some(tier),
        ..draft()
    };
    assert_eq!(
        offer(gold.clone(), 0).available(t, None),
        Err(GiftRefusal::WrongTier)
    );
    assert_eq!(offer(gold, 0).available(t, Some(tier)), Ok(()));
}

#[test]
fn redemptions_expire_after_their_last_local_day() {
    let kl: TimeZone = "Asia/Kuala_Lumpur".parse().unwrap_or(TimeZone::UTC);
    // 20:00 UTC on 8 December is 9 December in Kuala Lumpur: valid to 8 January.
    let at = Utc
        .with_ymd_and_hms(2026, 12, 8, 20, 0, 0)
        .single()
        .unwrap_or_default();
    let until = offer(draft(), 0).valid_until(at, kl);
    assert_eq!(until, NaiveDate::from_ymd_opt(2027, 1, 8));
    let r = GiftRedemption {
        id: GiftRedemptionId::new(),
        tenant_id: TenantId::new(),
        offer_id: GiftOfferId::new(),
        customer_id: CustomerId::new(),
        code: redemption_code(7),
        status: RedemptionStatus::Valid,
        points: Some(200),
        expires_on: until,
        fulfilled_at: None,
        fulfillment_method: None,
        used_at: None,
        remarks: None,
        created_at: at,
    };
    let day = |d| NaiveDate::from_ymd_opt(2027, 1, d).unwrap_or_default();
    assert_eq!(r.status_at(day(8)), RedemptionStatus::Valid);
    assert_eq!(r.status_at(day(9)), RedemptionStatus::Expired);
    let used = GiftRedemption {
        status: RedemptionStatus::Used,
        ..r
    };
    assert_eq!(used.status_at(day(9)), RedemptionStatus::Used);
}

proptest! {
    #[test]
    fn codes_are_gf_and_ten_unambiguous_characters(random in any::<u64>()) {
        let code = redemption_code(random);
        prop_assert_eq!(code.len(), 13);
        prop_assert!(code.starts_with("GF-"));
        prop_assert!(code[3..].bytes().all(|b| CODE_ALPHABET.contains(&b)));
        prop_assert!(!code[3..].contains(['I', 'L', 'O', 'U']));
    }

    #[test]
    fn different_low_bits_give_different_codes(a in any::<u64>(), b in any::<u64>()) {
        let mask = (1_u64 << 50) - 1;
        prop_assume!(a & mask != b & mask);
        prop_assert_ne!(redemption_code(a), redemption_code(b));
    }
}
