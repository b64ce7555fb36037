-- The same rows keyed as crm keys them (issue 13, decision 1): the numeric id is the integer
-- primary key, the customer is an integer, and orders and interactions have crm's index by
-- customer. The import scripts build that index after the load, as crm does for a large import.
CREATE TABLE customers (
  pk INTEGER PRIMARY KEY, name TEXT, email TEXT, phone TEXT, gender TEXT, birth_date TEXT, city TEXT,
  industry TEXT, company_size TEXT, occupation TEXT,
  created_at INTEGER            -- UTC seconds since the epoch (NULL when empty)
);
CREATE TABLE orders (
  pk INTEGER PRIMARY KEY, customer_pk INTEGER NOT NULL,
  ordered_at INTEGER NOT NULL,  -- UTC seconds since the epoch
  product TEXT, category TEXT, quantity INTEGER,
  unit_price INTEGER,           -- cents
  amount INTEGER NOT NULL       -- cents
);
CREATE TABLE interactions (
  pk INTEGER PRIMARY KEY, customer_pk INTEGER NOT NULL, kind TEXT NOT NULL,
  occurred_at INTEGER NOT NULL  -- UTC seconds since the epoch
);
