-- crm's `segment members rfm --format csv` vs the baseline's rfm table, customer by customer.
CREATE TEMP TABLE crm_members (customer_id, segment, reason, since);
.import --csv --skip 1 --schema temp '@MEMBERS@' crm_members
SELECT
  (SELECT count(*) FROM rfm b FULL OUTER JOIN temp.crm_members c ON c.customer_id = b.customer_id
     WHERE b.customer_id IS NULL OR c.customer_id IS NULL OR b.segment <> c.segment) AS segment_mismatches,
  (SELECT count(*) FROM rfm b JOIN temp.crm_members c ON c.customer_id = b.customer_id
     WHERE b.reason <> c.reason) AS reason_mismatches,
  (SELECT count(*) FROM rfm) AS sqlite_rows,
  (SELECT count(*) FROM temp.crm_members) AS crm_rows;
