-- Plans with a start time and a stop condition, holds, stop reasons and hidden reports (issue 8). Hand-written:
-- drizzle/meta/0004_snapshot.json is what store/schema.ts now declares. Only SQL the Pi's own sqlite3 (3.40) knows.
--
-- The whole plan as started (JSON), who stopped the session, and whether its report was deleted (hidden).
ALTER TABLE `sessions` ADD COLUMN `plan` text;
--> statement-breakpoint
ALTER TABLE `sessions` ADD COLUMN `stop_reason` text;
--> statement-breakpoint
ALTER TABLE `sessions` ADD COLUMN `deleted_at` integer;
--> statement-breakpoint
DROP VIEW `session_report`;
--> statement-breakpoint
-- session_report: one row per report — a finished session (completed/stopped/failed), or an interrupted one that was
-- saved. Deleted reports are rows too, with deleted_at set (the app hides them; restore clears it). Lateness p50 is
-- the lower median, p99 the nearest rank. Times are UTC ISO-8601 text; raw epoch ms columns come last.
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
  s.saved_at                                                          AS saved_ms,
  s.stop_condition                                                    AS stop_condition,
  s.stop_reason                                                       AS stop_reason,
  json_extract(s.plan, '$.timeZone')                                  AS time_zone,
  (SELECT round(l, 1) FROM (
     SELECT lateness_ms AS l,
            row_number() OVER (ORDER BY lateness_ms) AS rn,
            count(*) OVER () AS n
     FROM shots
     WHERE session_id = s.id AND lateness_ms IS NOT NULL)
   WHERE rn = (n * 99 + 99) / 100)                                    AS lateness_p99_ms,
  strftime('%Y-%m-%dT%H:%M:%fZ', s.deleted_at / 1000.0, 'unixepoch')  AS deleted_at,
  s.deleted_at                                                        AS deleted_ms
FROM `sessions` AS s
WHERE s.status IN ('completed', 'stopped', 'failed')
   OR (s.status = 'interrupted' AND s.saved_at IS NOT NULL)
ORDER BY s.started_at DESC, s.id;
--> statement-breakpoint
-- session_timeline: what happened to each session besides its shots, in order: start, scheduled start reached,
-- holds and their ends (with the reason), suspends and resumes, the stop request, the end, the save.
CREATE VIEW `session_timeline` AS
SELECT
  substr(f.stream, 9)                                                 AS session_id,
  f.seq                                                               AS seq,
  strftime('%Y-%m-%dT%H:%M:%fZ', coalesce(json_extract(f.data, '$.at'), json_extract(f.data, '$.endedAt'), f.at) / 1000.0, 'unixepoch') AS at,
  substr(f.type, 9)                                                   AS what,
  coalesce(json_extract(f.data, '$.reason'), json_extract(f.data, '$.status')) AS reason,
  json_extract(f.data, '$.skipped')                                   AS skipped,
  round(json_extract(f.data, '$.heldMs') / 1000.0, 1)                 AS held_s,
  coalesce(json_extract(f.data, '$.detail.code'), json_extract(f.data, '$.error.code')) AS error_code,
  coalesce(json_extract(f.data, '$.at'), json_extract(f.data, '$.endedAt'), f.at) AS at_ms
FROM `facts` AS f
WHERE f.stream LIKE 'session:%'
  AND f.type IN ('session.started', 'session.began', 'session.held', 'session.hold_ended', 'session.suspended',
                 'session.resumed', 'session.stop_requested', 'session.ended', 'session.interrupted', 'session.saved')
ORDER BY f.seq;
--> statement-breakpoint
-- camera_status_log: every status reading the camera stream logged (a reading is logged only when it changed):
-- battery, card space and temperature over the night.
CREATE VIEW `camera_status_log` AS
SELECT
  e.seq                                                               AS seq,
  strftime('%Y-%m-%dT%H:%M:%fZ', e.at / 1000.0, 'unixepoch')          AS at,
  json_extract(st.status, '$.battery.level')                          AS battery,
  json_extract(st.status, '$.storage.spaceBytes')                     AS card_free_bytes,
  json_extract(st.status, '$.storage.contents')                       AS card_files,
  json_extract(st.status, '$.temperature')                            AS temperature,
  json_extract(st.status, '$.tv')                                     AS tv,
  e.at                                                                AS at_ms
FROM `events` AS e,
     (SELECT coalesce(json_extract(e2.data, '$.status'), json_extract(e2.data, '$.output.status')) AS status, e2.seq AS s2
      FROM `events` AS e2
      WHERE e2.stream = 'camera' AND e2.type IN ('STATUS', 'xstate.done.actor.connect')) AS st
WHERE st.s2 = e.seq
ORDER BY e.seq;
