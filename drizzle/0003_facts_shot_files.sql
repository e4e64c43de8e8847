-- Facts as rows of their own, the machine version on each event, one name per count, shots with all their files.
-- Hand-written (drizzle-kit would recreate tables); drizzle/meta/0003_snapshot.json is what store/schema.ts now
-- declares. Only SQL the Pi's own sqlite3 (3.40, bookworm) understands.
--
-- The log: additive only. machine_version is NULL on events logged before it was recorded.
ALTER TABLE `events` ADD COLUMN `machine_version` text;
--> statement-breakpoint
CREATE INDEX `events_stream_type_version_idx` ON `events` (`stream`,`type`,`version`);
--> statement-breakpoint
CREATE TABLE `facts` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_seq` integer NOT NULL,
	`stream` text NOT NULL,
	`type` text NOT NULL,
	`data` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `facts_event_seq_idx` ON `facts` (`event_seq`);
--> statement-breakpoint
-- Facts are part of the record: append-only like the events they came with.
CREATE TRIGGER `facts_no_update` BEFORE UPDATE ON `facts`
BEGIN
  SELECT RAISE(ABORT, 'facts are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `facts_no_delete` BEFORE DELETE ON `facts`
BEGIN
  SELECT RAISE(ABORT, 'facts are append-only');
END;
--> statement-breakpoint
-- The projections change shape below; the views that read them are recreated at the end.
DROP VIEW `session_report`;
--> statement-breakpoint
DROP VIEW `shot_log`;
--> statement-breakpoint
-- Slots by result: the same names as ShotCounts everywhere.
ALTER TABLE `sessions` RENAME COLUMN `shots_ok` TO `ok`;
--> statement-breakpoint
ALTER TABLE `sessions` RENAME COLUMN `shots_failed` TO `failed`;
--> statement-breakpoint
ALTER TABLE `sessions` RENAME COLUMN `shots_skipped` TO `skipped`;
--> statement-breakpoint
ALTER TABLE `sessions` ADD COLUMN `unknown` integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
-- A release may write several files (RAW+JPEG): `file` becomes the JSON array `files`, kept in place.
ALTER TABLE `shots` ADD COLUMN `files` text DEFAULT '[]' NOT NULL;
--> statement-breakpoint
UPDATE `shots` SET `files` = json_array(`file`) WHERE `file` IS NOT NULL;
--> statement-breakpoint
ALTER TABLE `shots` DROP COLUMN `file`;
--> statement-breakpoint
ALTER TABLE `shots` ADD COLUMN `reason` text;
--> statement-breakpoint
-- Before skip reasons were recorded, a slot was skipped only for being too late to keep the grid.
UPDATE `shots` SET `reason` = 'late' WHERE `result` = 'skipped';
--> statement-breakpoint
ALTER TABLE `shots` ADD COLUMN `recovered` integer DEFAULT false NOT NULL;
--> statement-breakpoint
CREATE INDEX `shots_with_files_idx` ON `shots` (`session_id`,`number`) WHERE "shots"."files" <> '[]';
--> statement-breakpoint
CREATE TABLE `orphan_files` (
	`session_id` text NOT NULL,
	`path` text NOT NULL,
	`captured_at` integer,
	`seq` integer NOT NULL,
	PRIMARY KEY(`session_id`, `path`)
);
--> statement-breakpoint
-- session_report: one row per report — a finished session (completed/stopped/failed), or an interrupted one
-- that was saved. Lateness p50 is the lower median. Times are UTC ISO-8601 text; the raw epoch ms columns come
-- last, for programs.
CREATE VIEW `session_report` AS
SELECT
  s.id                                                                AS id,
  s.title                                                             AS title,
  s.status                                                            AS reason,
  strftime('%Y-%m-%dT%H:%M:%fZ', s.started_at / 1000.0, 'unixepoch')  AS started_at,
  strftime('%Y-%m-%dT%H:%M:%fZ', s.ended_at / 1000.0, 'unixepoch')    AS ended_at,
  round((s.ended_at - s.started_at) / 1000.0, 1)                      AS duration_s,
  s.interval_ms / 1000.0                                              AS interval_s,
  s.total_shots                                                       AS planned_shots,
  s.ok                                                                AS ok,
  s.failed                                                            AS failed,
  s.skipped                                                           AS skipped,
  s.unknown                                                           AS unknown,
  (SELECT count(*) FROM orphan_files WHERE session_id = s.id)         AS orphans,
  s.first_file                                                        AS first_file,
  s.last_file                                                         AS last_file,
  (SELECT round(l, 1) FROM (
     SELECT lateness_ms AS l,
            row_number() OVER (ORDER BY lateness_ms) AS rn,
            count(*) OVER () AS n
     FROM shots
     WHERE session_id = s.id AND lateness_ms IS NOT NULL)
   WHERE rn = (n + 1) / 2)                                            AS lateness_p50_ms,
  (SELECT round(max(lateness_ms), 1) FROM shots WHERE session_id = s.id) AS lateness_max_ms,
  s.error_code                                                        AS error_code,
  s.error_message                                                     AS error_message,
  strftime('%Y-%m-%dT%H:%M:%fZ', s.saved_at / 1000.0, 'unixepoch')    AS saved_at,
  s.started_at                                                        AS started_ms,
  s.ended_at                                                          AS ended_ms,
  s.saved_at                                                          AS saved_ms
FROM `sessions` AS s
WHERE s.status IN ('completed', 'stopped', 'failed')
   OR (s.status = 'interrupted' AND s.saved_at IS NOT NULL)
ORDER BY s.started_at DESC, s.id;
--> statement-breakpoint
-- shot_log: one row per slot of every session, in grid order; a release's files joined with ' + '.
CREATE VIEW `shot_log` AS
SELECT
  session_id                                                          AS session_id,
  number                                                              AS number,
  strftime('%Y-%m-%dT%H:%M:%fZ', planned_at / 1000.0, 'unixepoch')    AS planned_at,
  strftime('%Y-%m-%dT%H:%M:%fZ', triggered_at / 1000.0, 'unixepoch')  AS triggered_at,
  round(lateness_ms, 1)                                               AS lateness_ms,
  round(latency_ms, 1)                                                AS latency_ms,
  attempts                                                            AS attempts,
  (SELECT group_concat(value, ' + ') FROM json_each(files))           AS file,
  result                                                              AS result,
  reason                                                              AS reason,
  recovered                                                           AS recovered,
  CASE WHEN error_code IS NULL THEN NULL
       ELSE error_code || ': ' || coalesce(error_message, '') END      AS error
FROM `shots`
ORDER BY session_id, number;
