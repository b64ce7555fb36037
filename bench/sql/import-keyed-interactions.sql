CREATE TEMP TABLE s_interactions (id, customer_id, kind, occurred_at);
.import --csv --skip 1 --schema temp '@FILE@' s_interactions
-- In key order, so the table is appended to whatever order the file has; then the index.
INSERT INTO interactions SELECT CAST(id AS INTEGER), CAST(customer_id AS INTEGER), kind, unixepoch(occurred_at)
  FROM temp.s_interactions ORDER BY CAST(id AS INTEGER);
CREATE INDEX interactions_by_customer ON interactions(customer_pk);
