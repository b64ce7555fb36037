CREATE TEMP TABLE s_customers (id, name, email, phone, gender, birth_date, city, industry, company_size, occupation, created_at);
.import --csv --skip 1 --schema temp '@FILE@' s_customers
-- unixepoch() applies the +08:00 / -05:00 offsets: the stored value is the UTC instant.
INSERT INTO customers SELECT id, name, email, phone, gender, birth_date, city, industry, company_size, occupation,
  CASE WHEN created_at = '' THEN NULL ELSE unixepoch(created_at) END FROM temp.s_customers;
