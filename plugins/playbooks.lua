-- Follow-up playbooks: what happens when a customer enters a segment. Every text, owner, due
-- day and channel is here or in params (`crm plugin set playbooks KEY VALUE`), never in Swift.
local function first_category(c)
  if not c.top_categories then return nil end
  return (c.top_categories:match("^[^,]+"))
end

return {
  name = "playbooks",
  version = "1.0.0",
  description = "Win-back, welcome, VIP care, nurture, overdue promotions and prospecting",
  profile = { interactions = { 90 } },  -- c.interactions_90d
  permissions = { "tasks", "tags", "messages" },
  params = {
    account_owner = "sales-team",    -- owner of win-back and VIP tasks
    prospect_owner = "sdr-team",     -- owner of prospecting tasks
    win_back_due_days = 2,
    vip_due_days = 1,
    prospect_due_days = 5,
    channel = "email",
    promotion_discount = 10,         -- percent off in the overdue promotion
  },
  actions = {
    win_back = {
      description = "A call and an email when a valuable customer starts slipping away",
      segmentation = "rfm",
      enter = { "At Risk", "Cannot Lose Them" },
      holdout = 0.1,
      run = function(c, p, event)
        return {
          { kind = "task", title = "Win-back call: " .. event.to, owner = p.account_owner, priority = "high",
            due_in_days = p.win_back_due_days,
            body = string.format("%d orders, %.2f spent, last order %d days ago.", c.order_count, c.monetary,
              c.recency_days or 0) },
          { kind = "tag", tag = "win-back" },
          { kind = "message", channel = p.channel, template = "win_back",
            data = { segment = event.to, last_order_days = c.recency_days } },
        }
      end,
    },
    welcome = {
      description = "A welcome message for a new customer",
      segmentation = "rfm",
      enter = "New Customers",
      run = function(c, p)
        return { { kind = "message", channel = p.channel, template = "welcome", data = { orders = c.order_count } } }
      end,
    },
    vip_care = {
      description = "A personal call when a customer becomes VIP",
      segmentation = "vip",
      enter = "VIP",
      run = function(c, p)
        return {
          { kind = "task", title = "VIP welcome call", owner = p.account_owner, priority = "high", due_in_days = p.vip_due_days,
            body = string.format("New VIP: %.2f spent over %d orders.", c.monetary, c.order_count) },
          { kind = "tag", tag = "vip" },
        }
      end,
    },
    vip_lapsed = {
      description = "The VIP tag goes when the customer is no longer VIP",
      segmentation = "vip",
      leave = "VIP",
      reentry = "every_time",
      run = function() return { { kind = "untag", tag = "vip" } } end,
    },
    nurture = {
      description = "Nurture prospects who show interest but have not bought",
      segmentation = "engagement",
      enter = "Potential Interest",
      when = function(c) return c.order_count == 0 end,
      reentry = { cooldown_days = 90 },
      run = function(c, p)
        return { { kind = "message", channel = p.channel, template = "nurture",
          data = { interactions_90d = c.interactions_90d } } }
      end,
    },
    overdue_promotion = {
      description = "An offer in their favourite category when a high or medium value customer is overdue",
      segmentation = "purchase_cycle",
      enter = "Overdue",
      when = function(c)
        local tier = c.segments.value_tier
        return tier == "High Value" or tier == "Medium Value"
      end,
      reentry = { cooldown_days = 60 },
      run = function(c, p)
        return { { kind = "message", channel = p.channel, template = "overdue_promotion",
          data = { category = first_category(c), discount_percent = p.promotion_discount,
                   tier = c.segments.value_tier } } }
      end,
    },
    prospecting = {
      description = "A prospecting task for prospects who look like the best customers",
      segmentation = "lookalike",
      enter = "Lookalike",
      run = function(c, p)
        return { { kind = "task", title = "Prospect: looks like our best customers", owner = p.prospect_owner,
          due_in_days = p.prospect_due_days,
          body = string.format("%s, %s, %s", c.industry or "industry unknown", c.company_size or "size unknown",
            c.city or "city unknown") } }
      end,
    },
  },
}
