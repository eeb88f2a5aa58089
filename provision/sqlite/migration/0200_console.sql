-- cybridge serve (0200-0299): the scheduler's auto-pause state, and which
-- run applied the plan another run made (the console's "apply this plan").

-- One row: provision/schedule.State as JSON. It survives restarts, and
-- `cybridge resume` in another process lifts a pause here.
CREATE TABLE schedule_state (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  state TEXT NOT NULL
);

-- plan_run_id's plan was applied by applied_run_id. Pruned with its run.
CREATE TABLE plan_applied (
  plan_run_id    INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
  applied_run_id INTEGER NOT NULL
);
