//! Unit tests of the storefront rules across the catalogue's modules.

use chrono::Utc;
use kedai_core::{Currency, Money, ProductId, TenantId};

use crate::*;
use proptest::prelude::*;

#[test]
fn checkout_charges_the_price_the_storefront_shows() {
    let m = |minor: i64| {
        Money::from_minor(
            minor,
            kedai_core::Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}")),
        )
    };
    for (discount, member, signed_in, want) in [
        (None, None, false, 1000),
        (None, None, true, 1000),
        (Some(800), None, false, 800),
        (Some(1200), None, false, 1000),
        (None, Some(900), false, 1000),
        (None, Some(900), true, 900),
        (Some(800), Some(900), true, 800),
        (Some(800), Some(700), true, 700),
        (Some(800), Some(700), false, 800),
    ] {
        let shown = price_display(m(1000), discount.map(m), member.map(m));
        assert_eq!(
            shown.charged(signed_in),
            m(want),
            "{discount:?} {member:?} {signed_in}"
        );
    }
}

fn myr(minor: i64) -> Money {
    Money::from_minor(
        minor,
        Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}")),
    )
}

fn product(tenant: TenantId, storefront: StorefrontFields) -> Product {
    let now = Utc::now();
    Product {
        id: ProductId::new(1).unwrap_or_else(|e| panic!("{e}")),
        tenant_id: tenant,
        name: "Tee".into(),
        sku: None,
        category: None,
        description: None,
        price: myr(1000),
        status: crate::ProductStatus::Active,
        outlet_ids: vec![],
        created_at: now,
        updated_at: now,
        storefront,
    }
}

#[test]
fn slugs_are_normalised_and_checked() {
    assert_eq!(
        Slug::parse(" Iced-Latte ").map(|s| s.as_str().to_owned()),
        Ok("iced-latte".into())
    );
    assert_eq!(
        Slug::parse("tee-2").map(|s| s.as_str().to_owned()),
        Ok("tee-2".into())
    );
    for bad in [
        "",
        "  ",
        "a b",
        "a--b",
        "-a",
        "a-",
        "a_b",
        "42",
        "café",
        &"a".repeat(121),
    ] {
        assert!(Slug::parse(bad).is_err(), "{bad:?}");
    }
    assert!(Slug::parse(&"a".repeat(120)).is_ok());
}

#[test]
fn slugs_from_names() {
    let from = |n: &str| Slug::from_name(n).map(|s| s.as_str().to_owned());
    assert_eq!(from("Iced Latte (L)"), Some("iced-latte-l".into()));
    assert_eq!(from("  --Nike--  "), Some("nike".into()));
    assert_eq!(from("咖啡"), None);
    assert_eq!(from("2024"), None);
    assert_eq!(from(&"ab ".repeat(100)).map(|s| s.len() <= 120), Some(true));
}

proptest! {
    #[test]
    fn a_slug_made_from_any_name_is_valid(name in ".{0,300}") {
        if let Some(s) = Slug::from_name(&name) {
            prop_assert_eq!(Slug::parse(s.as_str()), Ok(s.clone()));
        }
    }
}

#[test]
fn stock_statuses() {
    use StockStatus::*;
    for (track, qty, threshold, want) in [
        (false, 0, None, InStock),
        (false, -3, Some(5), InStock),
        (true, 0, None, OutOfStock),
        (true, 0, Some(5), OutOfStock),
        (true, 1, None, InStock),
        (true, 5, Some(5), LowStock),
        (true, 6, Some(5), InStock),
        (true, 1, Some(0), InStock),
    ] {
        assert_eq!(
            stock_status(track, qty, threshold),
            want,
            "{track} {qty} {threshold:?}"
        );
    }
    assert_eq!(StockStatus::LowStock.as_str(), "low_stock");
}

#[test]
fn sorts_parse() {
    for (text, want) in [
        ("name", StorefrontSort::Name),
        ("price_asc", StorefrontSort::PriceAsc),
        ("price_desc", StorefrontSort::PriceDesc),
        ("newest", StorefrontSort::Newest),
    ] {
        assert_eq!(text.parse::<StorefrontSort>(), Ok(want));
    }
    assert!("cheapest".parse::<StorefrontSort>().is_err());
    assert_eq!(StorefrontSort::default(), StorefrontSort::Newest);
}

#[test]
fn prices_to_show() {
    let p = price_display(myr(1000), Some(myr(800)), Some(myr(700)));
    assert!(p.on_sale);
    assert_eq!(p.sale_price, Some(myr(800)));
    assert_eq!(p.regular_price, myr(1000));
    let p = price_display(myr(1000), Some(myr(1000)), None);
    assert!(!p.on_sale);
    assert_eq!((p.sale_price, p.discount_price), (None, None));
    let p = price_display(myr(1000), None, None);
    assert!(!p.on_sale);
}

#[test]
fn shop_fields_are_checked_whole() {
    let mut f = StorefrontFields::default();
    let ok = StorefrontUpdate {
        slug: Some(Some("Tee".into())),
        discount_price: Some(Some(myr(900))),
        member_price: Some(Some(myr(1000))),
        low_stock_threshold: Some(Some(3)),
        ..StorefrontUpdate::default()
    };
    assert_eq!(f.apply(ok, myr(1000)), Ok(()));
    assert_eq!(f.slug.as_ref().map(Slug::as_str), Some("tee"));
    let field = |u: StorefrontUpdate, f: &mut StorefrontFields| match f.apply(u, myr(1000)) {
        Err(CatalogError::Invalid { field, .. }) => field,
        other => panic!("expected invalid, got {other:?}"),
    };
    let before = f.clone();
    for (u, want) in [
        (
            StorefrontUpdate {
                discount_price: Some(Some(myr(1000))),
                ..StorefrontUpdate::default()
            },
            "discount_price",
        ),
        (
            StorefrontUpdate {
                discount_price: Some(Some(myr(-1))),
                ..StorefrontUpdate::default()
            },
            "discount_price",
        ),
        (
            StorefrontUpdate {
                member_price: Some(Some(myr(1001))),
                ..StorefrontUpdate::default()
            },
            "member_price",
        ),
        (
            StorefrontUpdate {
                slug: Some(Some("a b".into())),
                short_name: Some(Some("fine".into())),
                ..StorefrontUpdate::default()
            },
            "slug",
        ),
        (
            StorefrontUpdate {
                low_stock_threshold: Some(Some(-1)),
                ..StorefrontUpdate::default()
            },
            "low_stock_threshold",
        ),
        (
            StorefrontUpdate {
                seo_title: Some(Some("x".repeat(201))),
                ..StorefrontUpdate::default()
            },
            "seo_title",
        ),
    ] {
        assert_eq!(field(u, &mut f), want);
        assert_eq!(f, before, "a refused change changes nothing");
    }
    // A lower price makes a standing discount invalid.
    assert!(f.check(myr(900)).is_err());
    let mut v = StorefrontFields {
        parent_id: ProductId::new(1).ok(),
        ..StorefrontFields::default()
    };
    let u = StorefrontUpdate {
        product_type: Some(ProductType::Variable),
        ..StorefrontUpdate::default()
    };
    assert_eq!(field(u, &mut v), "product_type");
}

#[test]
fn variation_parents() {
    let t = TenantId::new();
    let variable = StorefrontFields {
        product_type: ProductType::Variable,
        ..StorefrontFields::default()
    };
    assert_eq!(
        check_variation_parent(&product(t, variable.clone()), t),
        Ok(())
    );
    assert_eq!(
        check_variation_parent(&product(t, StorefrontFields::default()), t),
        Err(VariationError::ParentNotVariable)
    );
    let child = StorefrontFields {
        parent_id: ProductId::new(9).ok(),
        ..variable.clone()
    };
    assert_eq!(
        check_variation_parent(&product(t, child), t),
        Err(VariationError::ParentIsVariation)
    );
    assert_eq!(
        check_variation_parent(&product(TenantId::new(), variable), t),
        Err(VariationError::OtherTenant)
    );
}

fn option(id: i64, required: bool, values: &[i64]) -> ProductOption {
    let oid = OptionId::new(id).unwrap_or_else(|e| panic!("{e}"));
    ProductOption {
        id: oid,
        product_id: ProductId::new(1).unwrap_or_else(|e| panic!("{e}")),
        name: format!("o{id}"),
        position: 0,
        required,
        values: values
            .iter()
            .map(|v| OptionValue {
                id: OptionValueId::new(*v).unwrap_or_else(|e| panic!("{e}")),
                option_id: oid,
                value: v.to_string(),
                position: 0,
            })
            .collect(),
    }
}

fn vals(ids: &[i64]) -> Vec<OptionValueId> {
    ids.iter()
        .map(|v| OptionValueId::new(*v).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

#[test]
fn variation_option_values() {
    let options = [option(1, true, &[10, 11]), option(2, false, &[20, 21])];
    assert_eq!(
        check_variation_values(&options, &vals(&[20, 10, 10]), &[]),
        Ok(vals(&[10, 20]))
    );
    assert_eq!(
        check_variation_values(&options, &vals(&[11]), &[vals(&[10])]),
        Ok(vals(&[11]))
    );
    let err = |chosen: &[i64], siblings: &[Vec<OptionValueId>]| {
        check_variation_values(&options, &vals(chosen), siblings).err()
    };
    assert_eq!(
        err(&[10, 99], &[]),
        Some(VariationError::ForeignValue(vals(&[99])[0]))
    );
    assert!(matches!(
        err(&[10, 11], &[]),
        Some(VariationError::TwoValues(_))
    ));
    assert!(matches!(
        err(&[20], &[]),
        Some(VariationError::MissingRequired(_))
    ));
    assert_eq!(
        err(&[10, 20], &[vals(&[20, 10])]),
        Some(VariationError::Duplicate)
    );
    // A product without options takes variations without values.
    assert_eq!(check_variation_values(&[], &[], &[vec![]]), Ok(vec![]));
}

#[test]
fn options_are_validated() {
    let values = |v: &[&str]| -> Vec<(String, Option<i64>)> {
        v.iter().map(|s| ((*s).to_owned(), None)).collect()
    };
    let o = OptionDraft::new(" Colour ", None, None, &values(&["Red", "Blue"]))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.name, "Colour");
    assert!(o.required);
    assert_eq!(o.values, [("Red".to_owned(), 0), ("Blue".to_owned(), 1)]);
    assert!(OptionDraft::new("", None, None, &values(&["a"])).is_err());
    assert!(OptionDraft::new("Size", None, None, &[]).is_err());
    assert!(OptionDraft::new("Size", None, None, &values(&["S", "s"])).is_err());
    assert!(OptionDraft::new("Size", None, None, &values(&[" "])).is_err());
}

#[test]
fn urls() {
    assert!(check_url("https://cdn.example.com/a.jpg").is_ok());
    assert!(check_url("HTTP://example.com").is_ok());
    for bad in [
        "ftp://example.com/a.jpg",
        "example.com/a.jpg",
        "https://",
        "https:///a",
        "javascript:alert(1)",
        "https://exa mple.com",
        "/relative.png",
    ] {
        assert!(check_url(bad).is_err(), "{bad}");
    }
    assert!(ImageDraft::new("https://x.io/a.png", None, None, Some(0), None, false, 0).is_err());
    assert!(
        ImageDraft::new(
            "https://x.io/a.png",
            None,
            None,
            Some(10),
            Some(20),
            true,
            0
        )
        .is_ok()
    );
}

#[test]
fn listings() {
    let l =
        Listing::new("Summer Sale", None, None, None, None, true).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(l.slug.as_ref().map(Slug::as_str), Some("summer-sale"));
    assert!(Listing::new("夏季", None, None, None, None, true).is_err());
    let l = Listing::new("夏季", None, None, None, None, false).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(l.slug, None);
    assert!(Listing::new("A", None, None, Some("nope"), None, true).is_err());
    let mut l =
        Listing::new("A", Some("a"), None, None, Some(3), true).unwrap_or_else(|e| panic!("{e}"));
    let before = l.clone();
    assert!(
        l.apply(
            ListingUpdate {
                name: Some(" ".into()),
                ..ListingUpdate::default()
            },
            true
        )
        .is_err()
    );
    assert_eq!(l, before);
    l.apply(
        ListingUpdate {
            name: Some("B".into()),
            ..ListingUpdate::default()
        },
        true,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (
            l.name.as_str(),
            l.slug.as_ref().map(Slug::as_str),
            l.sort_order
        ),
        ("B", Some("a"), 3)
    );
}

#[test]
fn category_cycles() {
    let c = |n: i64| CategoryId::new(n).unwrap_or_else(|e| panic!("{e}"));
    let tree = [(c(1), None), (c(2), Some(c(1))), (c(3), Some(c(2)))];
    assert!(creates_cycle(&tree, c(1), c(3)));
    assert!(creates_cycle(&tree, c(2), c(2)));
    assert!(!creates_cycle(&tree, c(3), c(1)));
    assert!(!creates_cycle(&tree, c(1), c(9)));
    let looped = [(c(1), Some(c(2))), (c(2), Some(c(1)))];
    assert!(creates_cycle(&looped, c(3), c(1)));
}

#[test]
fn shipping_weights_read_as_numbers_where_they_have_one() {
    let weight = |w: Option<&str>| {
        StorefrontFields {
            shipping_weight: w.map(str::to_owned),
            ..StorefrontFields::default()
        }
        .shipping_weight_number()
    };
    assert_eq!(weight(Some("0.5kg")), Some(0.5));
    assert_eq!(weight(Some(" 1,200 g")), Some(1200.0));
    assert_eq!(weight(Some("2")), Some(2.0));
    assert_eq!(weight(Some("heavy")), None);
    assert_eq!(weight(Some("")), None);
    assert_eq!(weight(None), None);
}
