---@meta
-- crm plugin API, as lua-language-server annotations. This file is the plugin author's
-- reference: a plugin is one .lua file in plugins/ that returns a crm.Plugin table.
-- docs/plugins.md walks through writing one.

---A plugin: a declaration first (name, version, params), code second (classify functions).
---Unknown keys are rejected when the plugin is loaded, with the key path in the error.
---@class crm.Plugin
---@field name string                 unique plugin name: lower case letters, digits, _ (e.g. "vip")
---@field version string              version of the plugin, e.g. "1.2.0"; recorded with every run
---@field description string          one line shown by `crm plugin list`
---@field params? table<string, number|string|boolean|{ default: any, type: "integer"|"number"|"string"|"boolean", description?: string }>  defaults (a plain number is a number, not an integer); `crm plugin set NAME KEY VALUE` overrides them per database
---@field permissions? ("tasks"|"tags"|"messages"|"fields")[]  effects the plugin's actions may return; reading profiles needs none
---@field segmentations? table<string, crm.Segmentation>  segmentation name -> definition (names are global across plugins)
---@field scores? table<string, crm.Score>  score name -> definition
---@field fields? table<string, crm.Field>  custom field name -> declaration (names are global across plugins)
---@field actions? table<string, crm.Action>  follow-up action name -> definition (names are global across plugins)
---@field jobs? table<string, crm.Job>  job name -> definition (names are global across plugins); `crm scheduler` runs them
---@field profile? crm.Profile        the windows the plugin reads; without it, the standard profile (see crm.Customer)

---A follow-up action: when a customer enters, leaves or stays in segments of one segmentation
---(any plugin's), `run` returns effects that the core checks against `permissions` and writes.
---Each (action, customer, change) fires once, however often or abruptly runs happen.
---Give exactly one of enter, leave, stay. The segments form a set: moving between two of them
---is neither entering nor leaving.
---@class crm.Action
---@field description? string
---@field segmentation string          the segmentation whose changes trigger it, e.g. "rfm"
---@field enter? string|string[]       fires when the customer enters one of these segments
---@field leave? string|string[]       fires when the customer leaves them
---@field stay? { segments: string|string[], days: integer }  fires once per stay of at least `days` calendar days (business time zone)
---@field when? fun(c: crm.ActionCustomer, p: crm.Params, event: crm.Event): boolean  fire only when true
---@field run fun(c: crm.ActionCustomer, p: crm.Params, event: crm.Event): crm.Effect[]
---@field holdout? number              share 0..1 of customers held out (recorded, no effect), by a hash of action and customer id
---@field reentry? "once"|"every_time"|{ cooldown_days: integer }  default "once" per customer
---@field transactional? boolean       its messages skip frequency caps and quiet hours
---@field caps? { per_day?: integer, per_week?: integer }  message caps below the database's (`crm outbox config`)

---What fired an action. `days` is set for stays.
---@class crm.Event
---@field kind "enter"|"leave"|"stay"
---@field segmentation string
---@field segment string               the segment entered, left or stayed in
---@field from string?                 previous segment (nil the first time a customer is classified)
---@field to string?
---@field as_of string                 the run's as-of instant
---@field days integer?

---The whole profile, plus the customer's current segment in every segmentation and their tags.
---@class crm.ActionCustomer: crm.Customer
---@field segments table<string, string>  segmentation -> segment, e.g. c.segments.value_tier
---@field tags table<string, boolean>     c.tags["win-back"] is true when tagged

---An effect `run` returns; `kind` says which. Needs the matching permission.
---  { kind = "task", title = "...", body?, owner?, priority? = "low"|"normal"|"high"|"urgent", due? = "YYYY-MM-DD" | due_in_days? = N }  (tasks)
---  { kind = "tag", tag = "..." } / { kind = "untag", tag = "..." }   at most 64 characters (tags)
---  { kind = "message", channel = "email", template = "win_back", data? = { ... } }  into the outbox (messages)
---  { kind = "field", field = "owner", value = "..." }   a declared, non-computed custom field; "" clears (fields)
---@class crm.Effect
---@field kind "task"|"tag"|"untag"|"message"|"field"

---A numeric score per customer, with an explanation. `crm score run` computes it.
---@class crm.Score
---@field description? string
---@field rank? table<string, crm.Rank>
---@field stats? string[]
---@field frequencies? table<string, crm.Frequencies>
---@field compute fun(c: crm.Customer, p: crm.Params): number, string?  returns the value and why; depends on c and p only (one Lua state per core)
---@field decay? { half_life_days: number, by: string, when_missing?: "decayed"|"kept" }  value * 0.5 ^ (c[by] / half_life_days), e.g. by = "days_since_last_interaction"; nil c[by]: 0 ("decayed", the default) or the value ("kept")
---@field decimals? integer  round the stored value to this many decimal places (0..15)
---@field examples? { customer: table<string, any>, params?: table<string, any>, score: number }[]

---A custom field on the customer record, without a schema migration. Values come from an
---extra column of the customers CSV (header = field name), `crm field set`, or `compute`.
---Every value is checked against the declaration; a bad one refuses the import or the set.
---Plugins read fields as c.<name> like the core's profile fields.
---@class crm.Field
---@field type "string"|"integer"|"decimal"|"boolean"|"date"|"enum"
---@field values? string[]            the allowed values of an enum
---@field required? boolean           an empty value is an error (not for computed fields)
---@field default? string|number|boolean  used when a customer has no value
---@field label? string
---@field description? string
---@field min? number                 integer and decimal fields
---@field max? number
---@field max_length? integer         string fields, in characters
---@field pattern? string             string fields: a Lua pattern the value must match (string.find)
---@field personal? boolean           holds personal data: erased by `crm customer delete --anonymize`
---@field validate? fun(value: any): boolean, string?  extra check; return false and a message to refuse
---@field compute? fun(c: crm.Customer, p: crm.Params): any  makes the field computed: recomputed by `crm segment run` and `crm field compute`; nil removes the value; depends on c and p only (one Lua state per core)
---@field rank? table<string, crm.Rank>   computed fields only, as for segmentations
---@field stats? string[]
---@field frequencies? table<string, crm.Frequencies>

---One way of splitting customers into segments. Every customer gets exactly one segment.
---@class crm.Segmentation
---@field description? string
---@field segments string[]           every segment `classify` may return; anything else fails the run
---@field rank? table<string, crm.Rank>   population ranks computed by the core, read as c.<name>
---@field stats? string[]             profile fields whose population statistics appear in p.stats.<field>
---@field frequencies? table<string, crm.Frequencies>  value shares of text fields in a group, in p.frequencies.<name>
---@field classify fun(c: crm.Customer, p: crm.Params): string, string?  returns segment and reason (the reason may be left to `explain`)
---@field explain? fun(c: crm.Customer, p: crm.Params, segment: string): string  the reason, asked only when a reason is shown (crm customer show, crm segment members: never in a run) and only when classify gave none: keeps a costly reason (string.format) off every run
---@field examples? crm.Example[]     checked by `crm plugin check`
---@field grid? string[]               two of its rank names, e.g. { "r", "f" }: `crm report` charts customers by these two ranks (rows, columns) as a heat map

---A rank over a population, like SQL's NTILE: customers sorted by a profile field (ties broken
---by customer id), split into `tiles` groups of nearly equal size; tile 1 holds the first.
---With `share = true` the value is instead the cumulative share (0..1] of the field's total
---held by this customer and everyone sorted before them (for "top customers bringing 80%").
---Customers outside the population, or without a value, get nil.
---@class crm.Rank
---@field by string                   a profile field, e.g. "monetary"
---@field order? "asc"|"desc"         "asc" (default): smallest values in tile 1
---@field tiles? integer              default 5
---@field among? "buyers"|"prospects"|"all"  default "buyers" (customers with at least one order)
---@field share? boolean              cumulative share instead of a tile

---Shares of each value of some text fields among a group of customers, e.g. how common each
---industry is among the top spenders: p.frequencies.top.industry["Retail"] == 0.31.
---@class crm.Frequencies
---@field where { rank: string, at_least: integer }  the group: customers whose rank (from this segmentation's `rank`) is at least `at_least`
---@field fields string[]             text profile fields to count, e.g. { "industry", "city" }

---An example the plugin's own check runs: a customer (unset fields take their empty values:
---0 for counts, nil for the rest) and the segment classify must return.
---@class crm.Example
---@field customer table<string, any>
---@field params? table<string, any>  params for this example (defaults otherwise)
---@field segment string

---The parameters: the plugin's `params`, overridden per database, plus what the core computed.
---@class crm.Params
---@field stats table<string, crm.Statistics>  for the fields listed in `stats`, over buyers
---@field frequencies table<string, table<string, table<string, number>>>  from `frequencies`
---@field as_of string                 the run's as-of instant, ISO-8601 UTC
---@field as_of_date string            its UTC date, "2025-01-01"

---@class crm.Statistics
---@field count integer
---@field sum number
---@field mean number
---@field min number
---@field max number
---@field p10 number
---@field p25 number
---@field p50 number
---@field p75 number
---@field p90 number
---@field p95 number
---@field p99 number

---What a plugin reads beyond the core fields; the core computes the union of the loaded
---plugins' declarations, and each plugin sees only its own. Windows are whole days 1..36500,
---counted in calendar days like recency_days (an N-day window: fewer than N days before as-of's date).
---@class crm.Profile
---@field orders? integer[]           c.orders_<N>d: purchases (not returns) in the last N days
---@field revenue? integer[]          c.revenue_<N>d: amounts net of returns in the last N days
---@field interactions? integer[]     c.interactions_<N>d: interactions of any kind in the last N days
---@field by_kind? table<string, integer[]>  c.<kind>_<N>d, e.g. by_kind = { inquiry = { 14 } } gives c.inquiry_14d
---@field top_categories? integer     how many categories c.top_categories lists (1..20, default 3)
---@field kinds? string[]             interaction kinds beyond the built-in ones that `crm import interactions` accepts

---One customer's profile as of the run's instant, computed by the core. Read-only: the table
---is reused for the next customer. Days are calendar days in the business time zone (UTC unless
---`crm init --timezone`); amounts are in currency units. Ranks declared in the segmentation's
---`rank` appear as extra fields (c.r, c.f, c.m, ...). The windows listed below (orders_365d,
---<kind>_30d/_90d/_365d, interactions_30d/_90d/_365d) are the standard profile, which a plugin
---without a `profile` section gets; a plugin with one sees exactly the windows it declares.
---@class crm.Customer
---@field id string                   the customer's id
---@field city string?
---@field industry string?
---@field company_size string?        e.g. "11-50"
---@field gender string?
---@field occupation string?
---@field age_years integer?          whole years at as-of; nil if the birth date is unknown
---@field tenure_days integer?        days since sign-up (or the first order)
---@field order_count integer         orders up to as-of (purchases; returns are not orders)
---@field monetary number             sum of order amounts, net of returns
---@field returns_count integer       returns: order lines with a negative amount (and quantity)
---@field returned_amount number      sum of returned amounts, as a positive number
---@field average_order_value number  monetary / order_count; 0 without orders
---@field max_order_value number      largest single order; 0 without orders
---@field max_order_quantity integer? largest quantity in one order
---@field recency_days integer?       days from the last order's date to the as-of date; nil without orders
---@field days_since_first_order integer?
---@field median_days_between_orders number?  nil below 2 orders
---@field last_days_between_orders number?    gap between the last two orders; nil below 2 orders
---@field orders_365d integer         orders in the last 365 days (standard profile)
---@field top_categories string?      up to three (profile.top_categories) categories by order count, comma-separated ("Home,Office")
---@field category_count integer      distinct categories ordered
---@field email_open_30d integer email_open interactions in the last 30 days
---@field email_open_90d integer email_open interactions in the last 90 days
---@field email_open_365d integer email_open interactions in the last 365 days
---@field email_click_30d integer email_click interactions in the last 30 days
---@field email_click_90d integer email_click interactions in the last 90 days
---@field email_click_365d integer email_click interactions in the last 365 days
---@field page_view_30d integer page_view interactions in the last 30 days
---@field page_view_90d integer page_view interactions in the last 90 days
---@field page_view_365d integer page_view interactions in the last 365 days
---@field inquiry_30d integer inquiry interactions in the last 30 days
---@field inquiry_90d integer inquiry interactions in the last 90 days
---@field inquiry_365d integer inquiry interactions in the last 365 days
---@field call_30d integer call interactions in the last 30 days
---@field call_90d integer call interactions in the last 90 days
---@field call_365d integer call interactions in the last 365 days
---@field feedback_30d integer feedback interactions in the last 30 days
---@field feedback_90d integer feedback interactions in the last 90 days
---@field feedback_365d integer feedback interactions in the last 365 days
---@field consultation_30d integer consultation interactions in the last 30 days
---@field consultation_90d integer consultation interactions in the last 90 days
---@field consultation_365d integer consultation interactions in the last 365 days
---@field contract_30d integer contract interactions in the last 30 days
---@field contract_90d integer contract interactions in the last 90 days
---@field contract_365d integer contract interactions in the last 365 days
---@field payment_30d integer payment interactions in the last 30 days
---@field payment_90d integer payment interactions in the last 90 days
---@field payment_365d integer payment interactions in the last 365 days
---@field interactions_30d integer interactions of any kind in the last 30 days
---@field interactions_90d integer interactions of any kind in the last 90 days
---@field interactions_365d integer interactions of any kind in the last 365 days
---@field days_since_last_interaction integer?
---@field revenue_60d number         example of a declared window: profile = { revenue = { 60 } }
---@field r integer?                  example of a declared rank (RFM's recency tile)

---Helpers the host gives every plugin (there is no os.date in the sandbox).
---@class crm.API
crm = {}

---The date `days` after `date` (a "YYYY-MM-DD" date or an ISO-8601 instant, taken as its UTC date); days is rounded.
---@param date string
---@param days number
---@return string
function crm.add_days(date, days) end

---Whole days from `from` to `to` (dates or instants, as UTC dates); negative if `to` is earlier.
---@param from string
---@param to string
---@return integer
function crm.days_between(from, to) end

---A scheduled job. `crm scheduler` runs each (job, scheduled instant) once, even with several
---schedulers on one database; `crm job run NAME` runs one now. See docs/plugins.md.
---@class crm.Job
---@field description? string
---@field schedule string|{ param: string }  five-field cron ("30 2 * * *", Vixie syntax: ranges, steps, lists, names, Sunday 0 or 7) or @hourly @daily @weekly @monthly @yearly; or { param = "name" } to take it from a string param, so `crm plugin set` can move the job
---@field timezone? string|{ param: string }  IANA zone the schedule's wall-clock times are in (default "UTC")
---@field budget? number              seconds of wall time one run may take before it is stopped as failed (default 3600, at most 86400)
---@field run fun(job: crm.JobRun)     does the work; an error (or running out of time or memory) fails this run only

---What a job's `run` receives. Everything happens as of `job.scheduled_for`, so a run can be
---repeated without changing its result. Methods work as job:name(...) or job.name(...).
---A job never sees SQL. (Tasks and outbox messages arrive with follow-up actions.)
---@class crm.JobRun
---@field name string                 the job's name
---@field plugin string               the plugin's name
---@field scheduled_for string        the instant this run is for, "YYYY-MM-DDTHH:MM:SSZ"
---@field params crm.Params           the plugin's params, with the database's overrides
local JobRun = {}

---Runs segmentations as of the scheduled instant (all when `names` is nil), computed fields
---first; raises after running the others if one fails.
---@param names? string|string[]
---@return { name: string, customers: integer, changed: integer }[]
function JobRun:run_segmentations(names) end

---Computes scores as of the scheduled instant (all when nil).
---@param names? string|string[]
---@return { name: string, customers: integer, changed: integer }[]
function JobRun:run_scores(names) end

---Recomputes computed custom fields as of the scheduled instant (all when nil).
---@param names? string|string[]
---@return { name: string, customers: integer, changed: integer }[]
function JobRun:compute_fields(names) end

---Profiles (as of the scheduled instant) of the customers matching a `--where` expression
---such as 'vip_level = "gold" and recency_days > 90' (all when nil), in customer-id order, at
---most `limit`. Each has `id` and the profile fields of crm.Customer.
---@param where? string
---@param limit? integer
---@return crm.Customer[]
function JobRun:customers(where, limit) end

---Gives one customer effects, as a follow-up action's `run` returns them (crm.Effect: task, tag,
---untag, message, field), checked against the plugin's `permissions`. Exactly once per job
---instance: the n-th call for a customer in a run is keyed by (job, scheduled instant,
---customer, n), so a retried run gets `applied = false` for what it applied before. Raises on
---an unknown customer, a bad effect or a missing permission, writing nothing of that call.
---@param customer_id string
---@param effects crm.Effect[]
---@return { applied: boolean, effects: string[] }
function JobRun:apply(customer_id, effects) end

---The customer's tasks, newest last: id, title, owner, status ("open"/"done"), priority, due,
---action (the action or job that made it), created_at, done_at and days_since_done (whole UTC
---days from done_at to the scheduled instant).
---@param customer_id string
---@return table[]
function JobRun:tasks(customer_id) end

---Writes the HTML report of `crm report --html` to `path` (a `.html` file, replaced
---atomically), as of the scheduled instant: outcomes use the windows ended by then. Returns
---the bytes written. Keep the path in a parameter the administrator sets.
---@param path string
---@return integer
function JobRun:write_report(path) end

---Writes a line to the scheduler's log (standard error), tagged with the job and instant.
---@param ... any
function JobRun:log(...) end
