-- crm's `segment members rfm --format csv` vs the baseline's rfm table, customer by customer.
-- Prints: customers whose segment differs (or who are missing on one side) | reason mismatches | sqlite3 rows | crm rows. (EXCEPT sorts: n log n.)
CREATE TEMP TABLE crm_members (customer_id, segment, reason, since);
.import --csv --skip 1 --schema temp '@MEMBERS@' crm_members
SELECT
  (SELECT count(DISTINCT customer_id) FROM (
     SELECT * FROM (SELECT customer_id, segment FROM rfm EXCEPT SELECT customer_id, segment FROM temp.crm_members)
     UNION ALL
     SELECT * FROM (SELECT customer_id, segment FROM temp.crm_members EXCEPT SELECT customer_id, segment FROM rfm))),
  (SELECT count(*) FROM (SELECT customer_id, segment, reason FROM rfm EXCEPT SELECT customer_id, segment, reason FROM temp.crm_members)),
  (SELECT count(*) FROM rfm),
  (SELECT count(*) FROM temp.crm_members);
