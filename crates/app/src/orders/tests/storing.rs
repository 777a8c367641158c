//! What an order stores: stock taken FIFO (or nothing from a short product), variations as
//! their parents' lines, order numbers per tenant and year, the order and its event.

use kedai_catalog::{ImageId, ProductImage, ProductType};
use kedai_inventory::MovementKind;
use serde_json::json;

use super::*;
use crate::Entity;

#[test]
fn short_stock_refuses_the_order_and_takes_nothing_from_the_short_product() {
    let shop = tenant("UTC");
    let mut db = InMemory::default();
    db.products.push(product(shop.id, 1, "Iced Latte", 1490));
    db.products.push(product(shop.id, 2, "Cookie", 350));
    let latte = lot(shop.id, pid(1), 3, day(1, 5));
    let cookie = lot(shop.id, pid(2), 1, day(1, 5));
    let (latte_lot, cookie_lot) = (latte.id, cookie.id);
    db.lots.extend([latte, cookie]);
    let owner = staff(&shop, Role::Owner);

    let cmd = staff_order(owner, PriceSource::Catalogue, vec![line(pid(1), 4)]);
    let refused = place(&mut db, &shop, &cmd, day(3, 1));
    assert!(
        matches!(
            refused,
            Err(AppError::InsufficientStock { product_id, requested: 4, available: 3 })
                if product_id == pid(1)
        ),
        "{refused:?}"
    );
    assert_eq!(db.remaining(latte_lot), Some(3));
    assert!(db.allocations.is_empty() && db.movements.is_empty());
    assert!(db.orders.is_empty() && db.events.is_empty());

    // Every product's lots are planned before any is taken, so a short cookie leaves the
    // latte untouched too, even on the fake, which never rolls back: the error names the
    // first short product in id order, and nothing is taken or stored.
    let cmd = staff_order(
        owner,
        PriceSource::Catalogue,
        vec![line(pid(2), 3), line(pid(1), 2)],
    );
    let refused = place(&mut db, &shop, &cmd, day(3, 1));
    assert!(
        matches!(
            refused,
            Err(AppError::InsufficientStock { product_id, requested: 3, available: 1 })
                if product_id == pid(2)
        ),
        "{refused:?}"
    );
    assert_eq!(db.remaining(cookie_lot), Some(1));
    assert_eq!(db.remaining(latte_lot), Some(3));
    assert!(db.orders.is_empty() && db.events.is_empty());
}

#[test]
fn a_variation_sells_as_its_parents_line() {
    let shop = tenant("UTC");
    let mut db = InMemory::default();
    let mut tee = product(shop.id, 10, "Tee", 5000);
    tee.storefront.product_type = ProductType::Variable;
    let mut medium = product(shop.id, 11, "Tee / M", 5500);
    medium.storefront.parent_id = Some(pid(10));
    db.products.extend([tee, medium]);
    let stock = lot(shop.id, pid(11), 4, day(1, 5));
    let stock_id = stock.id;
    db.lots.push(stock);
    db.images.push(ProductImage {
        id: ImageId::new(1).unwrap_or_else(|e| panic!("{e}")),
        product_id: pid(10),
        src: "https://img.example/tee.jpg".into(),
        name: None,
        alt: None,
        width: None,
        height: None,
        is_primary: true,
        position: 0,
    });

    let named = PlaceLine {
        variation_id: Some(pid(11)),
        ..line(pid(10), 1)
    };
    // 004's `variantId` alone: the variation named as the product.
    let alone = line(pid(11), 2);
    let view = placed(
        &mut db,
        &shop,
        &shop_order(&shop, None, vec![named, alone], None),
        day(3, 1),
    );
    for item in &view.items {
        assert_eq!(
            (item.product_id, item.parent_product_id),
            (pid(11), Some(pid(10)))
        );
        assert_eq!(item.product_name, "Tee / M");
        assert_eq!(item.unit_price, rm(5500));
        assert_eq!(
            item.product_image_url.as_deref(),
            Some("https://img.example/tee.jpg"),
            "the parent's image"
        );
    }
    assert_eq!(figures(&view), [16500, 0, 0, 16500]);
    assert_eq!(db.remaining(stock_id), Some(1));
    assert!(db.allocations.iter().all(|a| a.product_id == pid(11)));

    // The variable parent itself is sold only through a variation.
    let parent = shop_order(&shop, None, vec![line(pid(10), 1)], None);
    let refused = place(&mut db, &shop, &parent, day(3, 1));
    assert_eq!(
        invalid(refused),
        (
            ErrorCode::VariationRequired,
            vec!["lineItems[0].variationId".into()]
        )
    );
}

#[test]
fn order_numbers_increase_per_tenant_and_local_year() {
    let shop = tenant("Asia/Kuala_Lumpur");
    let other = tenant("UTC");
    let mut db = InMemory::default();
    db.products.push(product(shop.id, 1, "Iced Latte", 1490));
    db.products.push(product(other.id, 2, "Teh Tarik", 450));
    db.lots.push(lot(shop.id, pid(1), 10, day(1, 5)));
    db.lots.push(lot(other.id, pid(2), 10, day(1, 5)));
    let ours = staff_order(
        staff(&shop, Role::Owner),
        PriceSource::Catalogue,
        vec![line(pid(1), 1)],
    );
    let theirs = staff_order(
        staff(&other, Role::Owner),
        PriceSource::Catalogue,
        vec![line(pid(2), 1)],
    );
    // 17:00 UTC on 31 December is 01:00 on 1 January in Kuala Lumpur.
    let new_year = Utc
        .with_ymd_and_hms(2026, 12, 31, 17, 0, 0)
        .single()
        .unwrap_or_else(|| panic!("bad date"));
    let mut numbers = Vec::new();
    for (tenant, cmd, now) in [
        (&shop, &ours, day(3, 1)),
        (&shop, &ours, day(6, 1)),
        (&other, &theirs, day(6, 1)),
        (&shop, &ours, new_year),
        (&other, &theirs, new_year),
    ] {
        let view = placed(&mut db, tenant, cmd, now);
        numbers.push(view.order.order_number.as_str().to_owned());
    }
    assert_eq!(
        numbers,
        [
            "ORD-2026-0001",
            "ORD-2026-0002",
            "ORD-2026-0001",
            "ORD-2027-0001",
            "ORD-2026-0002",
        ]
    );

    // One tenant cannot sell another's product.
    let foreign = staff_order(
        staff(&shop, Role::Owner),
        PriceSource::Catalogue,
        vec![line(pid(2), 1)],
    );
    let refused = place(&mut db, &shop, &foreign, day(6, 1));
    assert!(
        matches!(
            refused,
            Err(AppError::NotFound {
                entity: Entity::Product,
                ..
            })
        ),
        "{refused:?}"
    );
}

#[test]
fn an_order_is_stored_with_its_event_and_stock_taken_fifo_oldest_lot_first() {
    let shop = tenant("UTC");
    let mut db = InMemory::default();
    db.products.push(product(shop.id, 1, "Iced Latte", 1490));
    let mut wrap = product(shop.id, 2, "Gift wrap", 200);
    wrap.storefront.track_inventory = false;
    db.products.push(wrap);
    // The newer lot is stored first: FIFO goes by when stock was received.
    let newer = lot(shop.id, pid(1), 5, day(2, 1));
    let older = lot(shop.id, pid(1), 2, day(1, 1));
    let (newer_id, older_id) = (newer.id, older.id);
    db.lots.extend([newer, older]);
    let cashier = staff(&shop, Role::Cashier);
    let cmd = staff_order(
        cashier,
        PriceSource::Catalogue,
        vec![line(pid(1), 4), line(pid(2), 1)],
    );

    let view = placed(&mut db, &shop, &cmd, day(3, 1));
    let order_id = view.order.id.to_string();
    assert_eq!(figures(&view), [6160, 0, 0, 6160]);
    assert_eq!(view.order.status, OrderStatus::Confirmed);
    assert_eq!(view.order.stamps.confirmed_at, Some(day(3, 1)));

    assert_eq!(db.remaining(older_id), Some(0));
    assert_eq!(db.remaining(newer_id), Some(3));
    let taken: Vec<(LotId, i64, &str, &str)> = db
        .allocations
        .iter()
        .map(|a| {
            (
                a.lot_id,
                a.quantity,
                a.source.as_str(),
                a.reference.as_str(),
            )
        })
        .collect();
    assert_eq!(
        taken,
        [
            (older_id, 2, "order", order_id.as_str()),
            (newer_id, 2, "order", order_id.as_str()),
        ],
        "oldest lot first; the untracked gift wrap takes no stock"
    );
    let ledger: Vec<(MovementKind, LotId, i64)> = db
        .movements
        .iter()
        .map(|m| (m.kind, m.lot_id, m.quantity))
        .collect();
    assert_eq!(
        ledger,
        [
            (MovementKind::Allocate, older_id, -2),
            (MovementKind::Allocate, newer_id, -2),
        ]
    );
    assert!(db.movements.iter().all(|m| m.actor == cashier.id_string()));

    let [stored] = db.orders.as_slice() else {
        panic!("one order expected: {:?}", db.orders);
    };
    assert_eq!(stored.order, view.order);
    assert_eq!(stored.items, view.items);
    assert_eq!(stored.created, view.history[0]);
    assert_eq!(
        (
            stored.created.from,
            stored.created.to,
            stored.created.reason.as_str()
        ),
        (None, OrderStatus::Confirmed, "order_created")
    );
    let [created] = db.events.as_slice() else {
        panic!("one event expected: {:?}", db.events);
    };
    assert_eq!(created.event_type, "order.created");
    assert_eq!(created.aggregate_id, order_id);
    assert_eq!(
        created.payload,
        json!({
            "order_id": order_id,
            "order_number": "ORD-2026-0001",
            "status": "confirmed",
            "total_amount": "61.60",
            "currency": "MYR",
            "items": 2,
        })
    );
}
