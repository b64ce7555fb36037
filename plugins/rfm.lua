-- RFM: recency, frequency and monetary scores (NTILE 5 over buyers) mapped to the classic grid.
-- R is higher for more recent buyers; rules are checked top to bottom, first match wins.
return {
  name = "rfm",
  version = "1.1.0",
  description = "Recency, frequency and monetary grid: Champions, Loyal, At Risk, ...",
  profile = {},  -- the core fields only: no order or interaction windows
  segmentations = {
    rfm = {
      description = "Classic RFM grid from NTILE(5) scores over customers who have ordered",
      segments = {
        "Champions", "Loyal", "Potential Loyalists", "New Customers", "Promising",
        "Need Attention", "About to Sleep", "At Risk", "Cannot Lose Them", "Hibernating",
        "Lost", "No Purchases",
      },
      rank = {
        r = { by = "recency_days", order = "desc" },
        f = { by = "order_count" },
        m = { by = "monetary" },
      },
      -- crm report charts customers by R (rows) and F (columns).
      grid = { "r", "f" },
      -- The segment only: crm asks explain (below) for the reason only when one is shown
      -- (customer show, segment members), so a run costs no string.format.
      classify = function(c)
        if c.order_count == 0 then
          return "No Purchases"
        end
        local r, f = c.r, c.f
        local segment
        if r == 1 and f == 1 then segment = "Lost"
        elseif r <= 2 and f <= 2 then segment = "Hibernating"
        elseif r <= 2 and f <= 4 then segment = "At Risk"
        elseif r <= 2 then segment = "Cannot Lose Them"
        elseif r == 3 and f <= 2 then segment = "About to Sleep"
        elseif r == 3 and f == 3 then segment = "Need Attention"
        elseif r <= 4 and f >= 4 then segment = "Loyal"
        elseif r == 4 and f == 1 then segment = "Promising"
        elseif r == 5 and f == 1 then segment = "New Customers"
        elseif f <= 3 then segment = "Potential Loyalists"
        else segment = "Champions"
        end
        return segment
      end,
      explain = function(c)
        if c.order_count == 0 then
          return "has never ordered"
        end
        return string.format("R%d F%d M%d: last order %d days ago, %d orders, %.2f spent",
          c.r, c.f, c.m, c.recency_days, c.order_count, c.monetary)
      end,
      examples = {
        { customer = { order_count = 0 }, segment = "No Purchases" },
        { customer = { order_count = 1, r = 1, f = 1, m = 1, recency_days = 900, monetary = 5 }, segment = "Lost" },
        { customer = { order_count = 9, r = 5, f = 5, m = 5, recency_days = 2, monetary = 900 }, segment = "Champions" },
        { customer = { order_count = 4, r = 2, f = 5, m = 4, recency_days = 400, monetary = 300 }, segment = "Cannot Lose Them" },
      },
    },
  },
}
