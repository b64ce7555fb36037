CREATE TEMP TABLE s_interactions (id, customer_id, kind, occurred_at);
.import --csv --skip 1 --schema temp '@FILE@' s_interactions
INSERT INTO interactions SELECT id, customer_id, kind, unixepoch(occurred_at) FROM temp.s_interactions;
