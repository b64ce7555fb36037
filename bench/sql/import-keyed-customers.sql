CREATE TEMP TABLE s_customers (id, name, email, phone, gender, birth_date, city, industry, company_size, occupation, created_at);
.import --csv --skip 1 --schema temp '@FILE@' s_customers
-- In key order, so the table is appended to whatever order the file has.
INSERT INTO customers SELECT CAST(id AS INTEGER), name, email, phone, gender, birth_date, city, industry, company_size, occupation,
  CASE WHEN created_at = '' THEN NULL ELSE unixepoch(created_at) END FROM temp.s_customers ORDER BY CAST(id AS INTEGER);
