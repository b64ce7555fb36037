-- RFM as of @ASOF@ (the grid of plugins/rfm.lua and design.md), written to table rfm.
-- R = UTC calendar days from the last order's UTC date to as-of's date; F = order count;
-- M = sum of amounts (cents). NTILE(5) over buyers, ties broken by customer id (plain decimal
-- ids first in numeric order, then other ids in byte order); more recent = higher R.
-- Customers created after as-of, and orders after as-of, are left out (as crm does).
DROP TABLE IF EXISTS rfm;
CREATE TABLE rfm AS
WITH asof(t, d) AS (SELECT unixepoch('@ASOF@'), unixepoch(date('@ASOF@')) / 86400),
agg AS (
  SELECT customer_id, count(*) AS n, sum(amount) AS cents, max(ordered_at) AS last
  FROM orders, asof WHERE ordered_at <= asof.t GROUP BY customer_id
),
base AS (
  SELECT c.id, coalesce(a.n, 0) AS n, coalesce(a.cents, 0) AS cents,
         CASE WHEN a.n > 0 THEN asof.d - (a.last - (((a.last % 86400) + 86400) % 86400)) / 86400 END AS rec,
         (c.id <> '' AND c.id NOT GLOB '*[^0-9]*' AND length(c.id) <= 18 AND (length(c.id) = 1 OR substr(c.id, 1, 1) <> '0')) AS isnum
  FROM customers c CROSS JOIN asof LEFT JOIN agg a ON a.customer_id = c.id
  WHERE c.created_at IS NULL OR c.created_at <= asof.t
),
ranked AS (
  SELECT id, n, cents, rec,
    NTILE(5) OVER (ORDER BY rec DESC, isnum DESC, CASE WHEN isnum THEN CAST(id AS INTEGER) END, CAST(id AS BLOB)) AS r,
    NTILE(5) OVER (ORDER BY n, isnum DESC, CASE WHEN isnum THEN CAST(id AS INTEGER) END, CAST(id AS BLOB)) AS f,
    NTILE(5) OVER (ORDER BY cents, isnum DESC, CASE WHEN isnum THEN CAST(id AS INTEGER) END, CAST(id AS BLOB)) AS m
  FROM base WHERE n > 0
  UNION ALL
  SELECT id, 0, 0, NULL, NULL, NULL, NULL FROM base WHERE n = 0
),
graded AS (
  SELECT id, n, cents, rec, r, f, m,
    CASE
      WHEN n = 0 THEN 'No Purchases'
      WHEN r = 1 AND f = 1 THEN 'Lost'
      WHEN r <= 2 AND f <= 2 THEN 'Hibernating'
      WHEN r <= 2 AND f <= 4 THEN 'At Risk'
      WHEN r <= 2 THEN 'Cannot Lose Them'
      WHEN r = 3 AND f <= 2 THEN 'About to Sleep'
      WHEN r = 3 AND f = 3 THEN 'Need Attention'
      WHEN r <= 4 AND f >= 4 THEN 'Loyal'
      WHEN r = 4 AND f = 1 THEN 'Promising'
      WHEN r = 5 AND f = 1 THEN 'New Customers'
      WHEN f <= 3 THEN 'Potential Loyalists'
      ELSE 'Champions'
    END AS segment
  FROM ranked
)
SELECT id AS customer_id, rec AS recency_days, n AS frequency, printf('%.2f', cents / 100.0) AS monetary, r, f, m, segment,
  CASE WHEN n = 0 THEN 'has never ordered'
       ELSE printf('R%d F%d M%d: last order %d days ago, %d orders, %.2f spent', r, f, m, rec, n, cents / 100.0) END AS reason
FROM graded;

