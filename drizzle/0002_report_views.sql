-- Views for people reading data/skylapse.db with the sqlite3 shell, and for store/reports.ts.
-- Only SQL the Pi's own sqlite3 (3.40, bookworm) understands. Times are UTC ISO-8601 text; the raw epoch ms
-- columns come last, for programs. To change a view later: a new custom migration with DROP VIEW + CREATE VIEW.
--
-- session_report: one row per report — a finished session (completed/stopped/failed), or an interrupted one
-- that was saved. Lateness p50 is the lower median.
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
  s.shots_ok                                                          AS ok,
  s.shots_failed                                                      AS failed,
  s.shots_skipped                                                     AS skipped,
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
-- shot_log: one row per slot of every session, in grid order.
CREATE VIEW `shot_log` AS
SELECT
  session_id                                                          AS session_id,
  number                                                              AS number,
  strftime('%Y-%m-%dT%H:%M:%fZ', planned_at / 1000.0, 'unixepoch')    AS planned_at,
  strftime('%Y-%m-%dT%H:%M:%fZ', triggered_at / 1000.0, 'unixepoch')  AS triggered_at,
  round(lateness_ms, 1)                                               AS lateness_ms,
  round(latency_ms, 1)                                                AS latency_ms,
  attempts                                                            AS attempts,
  file                                                                AS file,
  result                                                              AS result,
  CASE WHEN error_code IS NULL THEN NULL
       ELSE error_code || ': ' || coalesce(error_message, '') END      AS error
FROM `shots`
ORDER BY session_id, number;
