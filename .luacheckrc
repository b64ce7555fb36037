std = "lua54"
max_line_length = 140
-- Plugins return one table; the crm.d.lua annotations file only declares types.
files["plugins/crm.d.lua"] = { ignore = { "211", "212", "631" } }
