-- Purchase cycle: how often each customer buys, when the next order is due, and whether it is
-- overdue; the reason names their preferred categories.
return {
  name = "purchase_cycle",
  version = "1.1.0",
  description = "Typical days between orders, next expected purchase, overdue customers",
  profile = {},  -- the core fields only: no order or interaction windows
  params = {
    due_soon_days = 7,     -- next order expected within this many days: Due Soon
    overdue_factor = 1.5,  -- no order for this many cycles: Overdue
  },
  fields = {
    typical_days_between_orders = {
      type = "decimal", min = 0, label = "Typical days between orders",
      description = "Median gap between the customer's orders; none below two orders",
      compute = function(c) return c.median_days_between_orders end,
    },
    next_purchase_expected = {
      type = "date", label = "Next purchase expected",
      description = "Last order plus the typical gap; none below two orders",
      compute = function(c, p)
        local cycle = c.median_days_between_orders
        if not cycle then return nil end
        return crm.add_days(p.as_of_date, cycle - c.recency_days)
      end,
    },
  },
  segmentations = {
    purchase_cycle = {
      description = "Position in the customer's own buying rhythm",
      segments = { "On Cycle", "Due Soon", "Overdue", "Single Order", "No Orders" },
      -- The segment only: crm asks explain (below) for the reason only when one is shown
      -- (customer show, segment members), so a run formats no text.
      classify = function(c, p)
        if c.order_count == 0 then return "No Orders" end
        if c.order_count == 1 then return "Single Order" end
        local cycle = c.median_days_between_orders
        if c.recency_days > cycle * p.overdue_factor then return "Overdue" end
        if cycle - c.recency_days <= p.due_soon_days then return "Due Soon" end
        return "On Cycle"
      end,
      explain = function(c, p, segment)
        if segment == "No Orders" then return "has never ordered" end
        local prefers = c.top_categories and ("; prefers " .. c.top_categories) or ""
        if segment == "Single Order" then return string.format("one order %d days ago%s", c.recency_days, prefers) end
        local cycle = c.median_days_between_orders
        local due_in = cycle - c.recency_days
        local rhythm = string.format("buys every %.0f days, last %d days ago", cycle, c.recency_days)
        if segment == "Overdue" then return string.format("%s: %.0f days overdue%s", rhythm, -due_in, prefers) end
        if segment == "Due Soon" then
          return string.format("%s: next order expected in %.0f days%s", rhythm, math.max(due_in, 0), prefers)
        end
        return string.format("%s: next order in about %.0f days%s", rhythm, due_in, prefers)
      end,
      examples = {
        { customer = { order_count = 0 }, segment = "No Orders" },
        { customer = { order_count = 1, recency_days = 40 }, segment = "Single Order" },
        { customer = { order_count = 6, recency_days = 10, median_days_between_orders = 30 }, segment = "On Cycle" },
        { customer = { order_count = 6, recency_days = 26, median_days_between_orders = 30 }, segment = "Due Soon" },
        { customer = { order_count = 6, recency_days = 60, median_days_between_orders = 30 }, segment = "Overdue" },
      },
    },
  },
}
