-- Everyday customer fields an account team keeps: level, owner, preferred channel and where
-- the customer came from. Import them as extra columns of the customers CSV, or set them with
-- `crm field set CUSTOMER FIELD VALUE`.
return {
  name = "fields",
  version = "1.0.0",
  description = "Customer level, owner, preferred channel, referral source",
  profile = {},  -- the core fields only: no order or interaction windows
  fields = {
    customer_level = {
      type = "enum", values = { "bronze", "silver", "gold", "platinum" }, default = "bronze",
      label = "Customer level", description = "Service level agreed with the customer",
    },
    owner = {
      type = "string", max_length = 80, label = "Account owner",
      description = "The person responsible for the customer (a name, not an email address)",
      validate = function(value)
        if value:find("@", 1, true) then return false, "is an email address; write the owner's name" end
        return true
      end,
    },
    preferred_channel = {
      type = "enum", values = { "email", "phone", "sms", "mail", "none" },
      label = "Preferred channel", description = "How the customer wants to be contacted",
    },
    referral_source = {
      type = "string", max_length = 120, pattern = "^%S", label = "Referral source",
      description = "Where the customer heard of us (no leading spaces)",
    },
  },
}
