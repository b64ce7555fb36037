std = "lua54"
-- The crm helper table the host gives every plugin (plugins/crm.d.lua).
read_globals = { "crm" }
max_line_length = 140
-- Plugins return one table; the crm.d.lua annotations file only declares types.
files["plugins/crm.d.lua"] = { globals = { "crm" }, ignore = { "211", "212", "631" } }
