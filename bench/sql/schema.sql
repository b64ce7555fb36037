-- Baseline schema for the sqlite3 shell: typed tables like crm's (UTC instants as integers,
-- money in integer cents). Staging tables hold the CSV text as imported.
CREATE TABLE customers (
  id TEXT NOT NULL, name TEXT, email TEXT, phone TEXT, gender TEXT, birth_date TEXT, city TEXT,
  industry TEXT, company_size TEXT, occupation TEXT,
  created_at INTEGER            -- UTC seconds since the epoch (NULL when empty)
);
CREATE TABLE orders (
  id TEXT NOT NULL, customer_id TEXT NOT NULL,
  ordered_at INTEGER NOT NULL,  -- UTC seconds since the epoch
  product TEXT, category TEXT, quantity INTEGER,
  unit_price INTEGER,           -- cents
  amount INTEGER NOT NULL       -- cents
);
CREATE TABLE interactions (
  id TEXT NOT NULL, customer_id TEXT NOT NULL, kind TEXT NOT NULL,
  occurred_at INTEGER NOT NULL  -- UTC seconds since the epoch
);
