-- Routines: the nightly run that keeps segments, scores and computed fields current. Every
-- segmentation runs as of the job's scheduled instant (which recomputes computed fields first),
-- then every score; follow-up actions fire from the segment changes once they exist.
-- Move it with `crm plugin set routines nightly_schedule "0 3 * * *"` (and nightly_timezone).
return {
  name = "routines",
  version = "1.0.0",
  description = "Nightly re-segmentation, scores and computed fields as of the scheduled instant",
  params = {
    nightly_schedule = "30 2 * * *",
    nightly_timezone = "UTC",
    nightly_done = "nightly run done: %d segmentations (%d customers moved), %d scores",
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
  },
}
