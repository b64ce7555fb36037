-- Engagement: how much a customer interacts with us lately, whatever they buy.
-- Each kind of interaction in the last 90 days adds its weight to a score.

local function score(c, p)
  return c.email_open_90d * p.weight_email_open
    + c.email_click_90d * p.weight_email_click
    + c.page_view_90d * p.weight_page_view
    + c.inquiry_90d * p.weight_inquiry
    + c.call_90d * p.weight_call
    + c.feedback_90d * p.weight_feedback
    + c.consultation_90d * p.weight_consultation
end

return {
  name = "engagement",
  version = "1.1.0",
  description = "Active, potential interest or silent, from emails, visits, inquiries and calls",
  -- Interactions by kind over 90 days, and of any kind over 30 (see docs/plugins.md, "The profile").
  profile = {
    interactions = { 30 },
    by_kind = {
      email_open = { 90 }, email_click = { 90 }, page_view = { 90 }, inquiry = { 90 },
      call = { 90 }, feedback = { 90 }, consultation = { 90 },
    },
  },
  params = {
    active_score = 10,    -- score at or above this, with an interaction in the last 30 days: Active
    interest_score = 3,   -- score at or above this: Potential Interest
    weight_email_open = 1,
    weight_email_click = 2,
    weight_page_view = 1,
    weight_inquiry = 5,
    weight_call = 4,
    weight_feedback = 3,
    weight_consultation = 5,
  },
  segmentations = {
    engagement = {
      description = "Weighted interactions over the last 90 days",
      segments = { "Active", "Potential Interest", "Silent" },
      -- The segment only: crm asks explain (below) for the reason only when one is shown
      -- (customer show, segment members), so a run formats no text.
      classify = function(c, p)
        local points = score(c, p)
        if points >= p.active_score and c.interactions_30d > 0 then return "Active" end
        if points >= p.interest_score or c.inquiry_90d > 0 then return "Potential Interest" end
        return "Silent"
      end,
      explain = function(c, p, segment)
        if segment == "Active" then
          return string.format("engagement score %d, %d interactions in 30 days", score(c, p), c.interactions_30d)
        end
        if segment == "Potential Interest" then return string.format("engagement score %d in 90 days", score(c, p)) end
        if c.days_since_last_interaction then
          return string.format("last interaction %d days ago", c.days_since_last_interaction)
        end
        return "no interactions"
      end,
      examples = {
        { customer = { email_click_90d = 3, inquiry_90d = 1, interactions_30d = 2 }, segment = "Active" },
        { customer = { email_click_90d = 5, interactions_30d = 0 }, segment = "Potential Interest" },
        { customer = { inquiry_90d = 1 }, segment = "Potential Interest" },
        { customer = { email_open_90d = 2, days_since_last_interaction = 40 }, segment = "Silent" },
        { customer = { }, segment = "Silent" },
      },
    },
  },
}
