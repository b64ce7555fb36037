-- Lookalike prospects: customers who have not ordered yet but resemble our most valuable
-- buyers (top monetary quintile) in industry, company size and city, and show interest.

-- How much a prospect resembles the top buyers; when `reasons` is a list, what counted is
-- added to it.
local function resemblance(c, p, reasons)
  local top = p.frequencies.top
  local score = 0
  for _, field in ipairs({ "industry", "company_size", "city" }) do
    local value = c[field]
    local share = value and top[field][value] or 0
    score = score + share / 3
    if reasons and share > 0 then
      reasons[#reasons + 1] = string.format("%s %s like %.0f%% of top buyers", field, value, share * 100)
    end
  end
  if c.interactions_90d > 0 then
    score = score + p.engagement_bonus
    if reasons then reasons[#reasons + 1] = string.format("%d interactions in 90 days", c.interactions_90d) end
  end
  return score
end

return {
  name = "lookalike",
  version = "1.1.0",
  description = "Prospects that resemble the high-value customers",
  profile = { interactions = { 90 } },  -- c.interactions_90d
  params = {
    threshold = 0.15,        -- resemblance at or above this: Lookalike
    engagement_bonus = 0.1,  -- added when the prospect interacted in the last 90 days
  },
  segmentations = {
    lookalike = {
      description = "Prospects scored by how common their attributes are among top buyers",
      segments = { "Lookalike", "Unlike", "Customer" },
      rank = { m = { by = "monetary" } },
      frequencies = {
        top = { where = { rank = "m", at_least = 5 }, fields = { "industry", "company_size", "city" } },
      },
      -- The segment only: crm asks explain (below) for the reason only when one is shown
      -- (customer show, segment members), so a run formats no text.
      classify = function(c, p)
        if c.order_count > 0 then return "Customer" end
        if resemblance(c, p) >= p.threshold then return "Lookalike" end
        return "Unlike"
      end,
      explain = function(c, p, segment)
        if segment == "Customer" then return "has ordered" end
        local reasons = {}
        local why = string.format("resemblance %.2f", resemblance(c, p, reasons))
        if #reasons > 0 then why = why .. ": " .. table.concat(reasons, ", ") end
        return why
      end,
      examples = {
        { customer = { order_count = 3 }, segment = "Customer" },
        { customer = { industry = "Retail", company_size = "1000+" },
          params = { frequencies = { top = { industry = { Retail = 0.5 }, company_size = { ["1000+"] = 0.4 }, city = {} } } },
          segment = "Lookalike" },
        { customer = { industry = "Retail", interactions_90d = 2 },
          params = { frequencies = { top = { industry = { Retail = 0.2 }, company_size = {}, city = {} } } },
          segment = "Lookalike" },
        { customer = { industry = "Mining" },
          params = { frequencies = { top = { industry = { Retail = 0.5 }, company_size = {}, city = {} } } },
          segment = "Unlike" },
      },
    },
  },
}
