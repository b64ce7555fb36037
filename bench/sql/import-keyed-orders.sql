CREATE TEMP TABLE s_orders (id, customer_id, ordered_at, product, category, quantity, unit_price, amount);
.import --csv --skip 1 --schema temp '@FILE@' s_orders
-- In key order, so the table is appended to whatever order the file has; then the index.
INSERT INTO orders SELECT CAST(id AS INTEGER), CAST(customer_id AS INTEGER), unixepoch(ordered_at), product, category,
  CAST(quantity AS INTEGER), CAST(round(unit_price * 100) AS INTEGER), CAST(round(amount * 100) AS INTEGER)
  FROM temp.s_orders ORDER BY CAST(id AS INTEGER);
CREATE INDEX orders_by_customer ON orders(customer_pk);
