-- A power user's own score: how likely a buyer is to be slipping away, from 0 to 100.
-- Late against their own buying rhythm counts most; silence on email and the web adds to it.
return {
  name = "churn_risk",
  version = "0.1.0",
  description = "Churn risk 0-100 from lateness against the customer's own cycle and recent silence",
  profile = {},  -- the core fields only: no order or interaction windows
  params = { silent_days = 60 },
  scores = {
    churn_risk = {
      description = "0 = buying on rhythm, 100 = long overdue and silent",
      compute = function(c, p)
        if c.order_count == 0 then return 0, "not a buyer yet" end
        local cycle = c.median_days_between_orders or 90
        local lateness = math.min(c.recency_days / (cycle * 2), 1)
        local silent = (c.days_since_last_interaction or 999) > p.silent_days
        local risk = 80 * lateness + (silent and 20 or 0)
        return risk, string.format("%d days since last order (cycle %.0f)%s",
          c.recency_days, cycle, silent and ", silent" or "")
      end,
      examples = {
        { customer = { order_count = 4, recency_days = 10, median_days_between_orders = 30,
                       days_since_last_interaction = 3 }, score = 80 * 10 / 60 },
        { customer = { order_count = 2, recency_days = 400 }, score = 100 },
      },
    },
  },
}
