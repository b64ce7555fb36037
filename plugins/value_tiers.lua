-- Value tiers: who brings the revenue, and how they buy.
-- Customers sorted by spend, biggest first: those who together bring the first `high_share`
-- of revenue are High value, up to `medium_share` Medium, the rest Low.
return {
  name = "value_tiers",
  version = "1.2.0",
  description = "High / medium / low value by share of revenue, and the buying pattern",
  profile = {},  -- the core fields only: no order or interaction windows
  params = {
    high_share = 0.5,    -- the top customers bringing 50% of revenue are high value
    medium_share = 0.8,  -- the next ones up to 80% are medium value
    bulk_quantity = 10,  -- a single order of at least this many units is a bulk buy
  },
  segmentations = {
    value_tier = {
      description = "Share of total revenue brought by the customer and everyone who spent more",
      segments = { "High Value", "Medium Value", "Low Value", "No Purchases" },
      rank = { revenue_share = { by = "monetary", order = "desc", share = true } },
      classify = function(c, p)
        if c.order_count == 0 then return "No Purchases" end
        if c.revenue_share <= p.high_share then return "High Value" end
        if c.revenue_share <= p.medium_share then return "Medium Value" end
        return "Low Value"
      end,
      -- Asked only when a reason is shown (customer show, segment members), never in a run.
      explain = function(c)
        if c.order_count == 0 then return "has never ordered" end
        return string.format("spent %.2f; with bigger spenders brings %.0f%% of revenue",
          c.monetary, c.revenue_share * 100)
      end,
      examples = {
        { customer = { order_count = 0 }, segment = "No Purchases" },
        { customer = { order_count = 3, monetary = 900, revenue_share = 0.1 }, segment = "High Value" },
        { customer = { order_count = 1, monetary = 20, revenue_share = 0.95 }, segment = "Low Value" },
      },
    },
    buying_pattern = {
      description = "Never purchased, one-time (bulk or not) or repeat buyer",
      segments = { "Repeat", "One-time Bulk", "One-time", "Never Purchased" },
      classify = function(c, p)
        if c.order_count == 0 then return "Never Purchased" end
        if c.order_count > 1 then return "Repeat" end
        if (c.max_order_quantity or 0) >= p.bulk_quantity then return "One-time Bulk" end
        return "One-time"
      end,
      -- Asked only when a reason is shown (customer show, segment members), never in a run.
      explain = function(c, p, segment)
        if segment == "Never Purchased" then return "no orders" end
        if segment == "Repeat" then return string.format("%d orders", c.order_count) end
        if segment == "One-time Bulk" then return string.format("one order of %d units", c.max_order_quantity) end
        return string.format("one order of %.2f", c.monetary)
      end,
      examples = {
        { customer = { order_count = 1, max_order_quantity = 40, monetary = 800 }, segment = "One-time Bulk" },
        { customer = { order_count = 1, max_order_quantity = 1, monetary = 8 }, segment = "One-time" },
        { customer = { order_count = 5 }, segment = "Repeat" },
      },
    },
  },
}
