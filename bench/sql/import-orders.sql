CREATE TEMP TABLE s_orders (id, customer_id, ordered_at, product, category, quantity, unit_price, amount);
.import --csv --skip 1 --schema temp '@FILE@' s_orders
INSERT INTO orders SELECT id, customer_id, unixepoch(ordered_at), product, category, CAST(quantity AS INTEGER),
  CAST(round(unit_price * 100) AS INTEGER), CAST(round(amount * 100) AS INTEGER) FROM temp.s_orders;
