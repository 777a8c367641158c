DROP TABLE gift_redemptions;
DROP TABLE gift_member_counts;
DROP TABLE gift_offers;
