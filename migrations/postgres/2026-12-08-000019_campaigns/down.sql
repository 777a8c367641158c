DROP TABLE campaign_plays;
DROP TABLE campaign_play_counts;
DROP TABLE campaign_prizes;
DROP TABLE campaigns;
