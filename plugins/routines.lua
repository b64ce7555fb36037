-- Routines: the nightly run that keeps segments, scores and computed fields current. Every
-- segmentation runs as of the job's scheduled instant (which recomputes computed fields first),
-- then every score; follow-up actions fire from the segment changes once they exist.
-- Move it with `crm plugin set routines nightly_schedule "0 3 * * *"` (and nightly_timezone).
-- Every Monday morning weekly_report writes the HTML report (`crm report --html`) to
-- weekly_report_path: `crm plugin set routines weekly_report_path /srv/www/crm/report.html`.
return {
  name = "routines",
  version = "1.1.0",
  description = "Nightly re-segmentation, scores and computed fields; a weekly HTML report",
  profile = {},  -- the core fields only: no order or interaction windows
  params = {
    nightly_schedule = "30 2 * * *",
    nightly_timezone = "UTC",
    nightly_done = "nightly run done: %d segmentations (%d customers moved), %d scores",
    weekly_report_schedule = "0 6 * * mon",
    weekly_report_path = "crm-report.html",
    weekly_report_done = "report written to %s (%d bytes)",
  },
  jobs = {
    nightly = {
      description = "Every segmentation, then every score, as of the scheduled instant",
      schedule = { param = "nightly_schedule" },
      timezone = { param = "nightly_timezone" },
      budget = 3600,
      run = function(job)
        local segmentations = job:run_segmentations()
        local moved = 0
        for _, run in ipairs(segmentations) do moved = moved + run.changed end
        local scores = job:run_scores()
        job:log(string.format(job.params.nightly_done, #segmentations, moved, #scores))
      end,
    },
    weekly_report = {
      description = "The HTML report of segments, outcomes, follow-ups, jobs and data quality",
      schedule = { param = "weekly_report_schedule" },
      timezone = { param = "nightly_timezone" },
      budget = 1800,
      run = function(job)
        local path = job.params.weekly_report_path
        job:log(string.format(job.params.weekly_report_done, path, job:write_report(path)))
      end,
    },
  },
}
