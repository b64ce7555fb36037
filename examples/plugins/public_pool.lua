-- The public pool: a customer whose owner has completed no task for them in `idle_days` days
-- goes back to the shared pool (their owner is cleared), and the owner is told with a task.
-- New VIPs without an owner get one. Fields, a job and an action working together; the
-- `owner` field is declared by plugins/fields.lua, `owner_since` here.
return {
  name = "public_pool",
  version = "1.0.0",
  description = "Idle customers go back to the shared pool; new VIPs get an owner",
  profile = {},  -- the core fields only: no order or interaction windows
  permissions = { "tasks", "fields" },
  params = {
    idle_days = 30,
    schedule = "0 6 * * *",
    timezone = "UTC",
    vip_owner = "key-accounts",
  },
  fields = {
    owner_since = {
      type = "date", label = "Owner since",
      description = "When the current owner took the customer; cleared when the customer goes back to the pool",
    },
  },
  actions = {
    assign_new_vip = {
      description = "A new VIP without an owner gets the key-account team",
      segmentation = "vip",
      enter = "VIP",
      when = function(c) return c.owner == nil end,
      run = function(_, p, event)
        return {
          { kind = "field", field = "owner", value = p.vip_owner },
          { kind = "field", field = "owner_since", value = event.as_of:sub(1, 10) },
        }
      end,
    },
  },
  jobs = {
    return_to_pool = {
      description = "Customers whose owner did no task for them in idle_days days go back to the pool",
      schedule = { param = "schedule" },
      timezone = { param = "timezone" },
      budget = 600,
      run = function(job)
        local idle = job.params.idle_days
        local today = job.scheduled_for:sub(1, 10)
        local returned = 0
        for _, c in ipairs(job:customers()) do
          if c.owner and (c.owner_since == nil or crm.days_between(c.owner_since, today) >= idle) then
            local busy = false
            for _, task in ipairs(job:tasks(c.id)) do
              if task.owner == c.owner and task.status == "done" and task.days_since_done < idle then busy = true end
            end
            if not busy then
              job:apply(c.id, {
                { kind = "field", field = "owner", value = "" },
                { kind = "field", field = "owner_since", value = "" },
                { kind = "task", title = "Back to the pool: customer " .. c.id, owner = c.owner, due_in_days = 0,
                  body = string.format("You completed no task for this customer in %d days; they are in the shared pool now.", idle) },
              })
              returned = returned + 1
            end
          end
        end
        job:log(string.format("%d customers went back to the pool", returned))
      end,
    },
  },
}
