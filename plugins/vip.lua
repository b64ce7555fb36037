-- VIP grading: value (how much), loyalty (how long and how often) and potential (how engaged
-- lately), each graded A/B/C. VIPs are A for value and A for loyalty or potential.

-- The value, loyalty and potential grades of a customer who has ordered.
local function grades(c, p)
  local value = c.m == 5 and "A" or (c.m >= 3 and "B" or "C")
  local tenure = c.tenure_days or 0
  local loyalty = "C"
  if tenure >= p.loyal_tenure_days and c.order_count >= p.loyal_orders then loyalty = "A"
  elseif tenure >= 365 and c.order_count >= 2 then loyalty = "B" end
  local potential = "C"
  if c.interactions_90d >= p.engaged_interactions then potential = "A"
  elseif c.interactions_90d > 0 then potential = "B" end
  return value, loyalty, potential
end

return {
  name = "vip",
  version = "1.1.0",
  description = "VIP and ordinary customers from value, loyalty and potential grades",
  profile = { interactions = { 90 } },  -- c.interactions_90d
  params = {
    loyal_tenure_days = 730,  -- loyalty A: customer at least this long ...
    loyal_orders = 5,         -- ... with at least this many orders
    engaged_interactions = 5, -- potential A: at least this many interactions in 90 days
  },
  fields = {
    vip_level = {
      type = "enum", values = { "gold", "silver", "bronze" }, label = "VIP level",
      description = "Spend quintile among buyers: 5 gold, 3-4 silver, 1-2 bronze; none for prospects",
      rank = { m = { by = "monetary" } },
      compute = function(c)
        if c.order_count == 0 then return nil end
        if c.m == 5 then return "gold" end
        if c.m >= 3 then return "silver" end
        return "bronze"
      end,
    },
  },
  segmentations = {
    vip = {
      description = "VIP when value is A and loyalty or potential is A",
      segments = { "VIP", "Ordinary", "Prospect" },
      rank = { m = { by = "monetary" } },
      -- The segment only: crm asks explain (below) for the reason only when one is shown
      -- (customer show, segment members), so a run formats no text.
      classify = function(c, p)
        if c.order_count == 0 then return "Prospect" end
        local value, loyalty, potential = grades(c, p)
        if value == "A" and (loyalty == "A" or potential == "A") then return "VIP" end
        return "Ordinary"
      end,
      explain = function(c, p, segment)
        if segment == "Prospect" then return "has never ordered" end
        return string.format("value %s, loyalty %s, potential %s", grades(c, p))
      end,
      examples = {
        { customer = { order_count = 12, m = 5, tenure_days = 1000, interactions_90d = 0 }, segment = "VIP" },
        { customer = { order_count = 1, m = 5, tenure_days = 30, interactions_90d = 9 }, segment = "VIP" },
        { customer = { order_count = 2, m = 2, tenure_days = 1000, interactions_90d = 9 }, segment = "Ordinary" },
        { customer = { order_count = 0 }, segment = "Prospect" },
      },
    },
  },
}
