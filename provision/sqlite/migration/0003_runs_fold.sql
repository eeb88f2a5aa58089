-- Every run is recorded, a no-change run too: consecutive no-change runs
-- of one trigger fold into one row (repeats counts them; started_at is the
-- first, finished_at the last). A run's error keeps its parameters and its
-- text in each language as the admin read it (JSON objects), so history
-- shows in the admin's language.
ALTER TABLE runs ADD COLUMN repeats INTEGER NOT NULL DEFAULT 1;
ALTER TABLE runs ADD COLUMN error_params TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN error_texts TEXT NOT NULL DEFAULT '';
