-- Lifecycle: where each customer is in their relationship with us, from recency and tenure.
return {
  name = "lifecycle",
  version = "1.1.0",
  description = "New, active, won back, dormant, churned, prospect",
  profile = {},  -- the core fields only: no order or interaction windows
  params = {
    new_days = 30,       -- first order at most this many days ago: New
    active_days = 90,    -- last order at most this many days ago: Active
    churned_days = 365,  -- last order more than this many days ago: Churned (in between: Dormant)
  },
  segmentations = {
    lifecycle = {
      description = "Stage of the customer relationship",
      segments = { "New", "Active", "Won Back", "Dormant", "Churned", "Prospect" },
      -- The segment only: crm asks explain (below) for the reason only when one is shown
      -- (customer show, segment members), so a run formats no text.
      classify = function(c, p)
        if c.order_count == 0 then return "Prospect" end
        local recency = c.recency_days
        if recency <= p.active_days then
          if c.days_since_first_order <= p.new_days then return "New" end
          local gap = c.last_days_between_orders
          if gap and gap > p.active_days then return "Won Back" end
          return "Active"
        end
        if recency <= p.churned_days then return "Dormant" end
        return "Churned"
      end,
      explain = function(c, p, segment)
        if segment == "Prospect" then return "has not ordered yet" end
        if segment == "New" then return string.format("first order %d days ago", c.days_since_first_order) end
        if segment == "Won Back" then
          return string.format("ordered %d days ago after a %.0f-day pause", c.recency_days, c.last_days_between_orders)
        end
        if segment == "Active" then return string.format("last order %d days ago", c.recency_days) end
        return string.format("no order for %d days", c.recency_days)  -- Dormant, Churned
      end,
      examples = {
        { customer = { order_count = 0 }, segment = "Prospect" },
        { customer = { order_count = 1, recency_days = 5, days_since_first_order = 5 }, segment = "New" },
        { customer = { order_count = 4, recency_days = 10, days_since_first_order = 700, last_days_between_orders = 200 },
          segment = "Won Back" },
        { customer = { order_count = 4, recency_days = 10, days_since_first_order = 700, last_days_between_orders = 20 },
          segment = "Active" },
        { customer = { order_count = 2, recency_days = 200, days_since_first_order = 300 }, segment = "Dormant" },
        { customer = { order_count = 2, recency_days = 800, days_since_first_order = 900 }, segment = "Churned" },
      },
    },
  },
}
