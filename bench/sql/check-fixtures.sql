-- The baseline SQL's result vs expected_rfm_tricky.csv: prints "<differing rows> <expected rows> <result rows>".
CREATE TEMP TABLE expected (customer_id, recency_days, frequency, monetary, r, f, m, segment);
.import --csv --skip 1 --schema temp '@EXPECTED@' expected
CREATE TEMP VIEW got AS SELECT customer_id, coalesce(CAST(recency_days AS TEXT), ''), CAST(frequency AS TEXT), monetary,
  coalesce(CAST(r AS TEXT), ''), coalesce(CAST(f AS TEXT), ''), coalesce(CAST(m AS TEXT), ''), segment FROM rfm;
SELECT ((SELECT count(*) FROM (SELECT * FROM got EXCEPT SELECT * FROM temp.expected))
      + (SELECT count(*) FROM (SELECT * FROM temp.expected EXCEPT SELECT * FROM got)))
  || ' ' || (SELECT count(*) FROM temp.expected) || ' ' || (SELECT count(*) FROM rfm);
