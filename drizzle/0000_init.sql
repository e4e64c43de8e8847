CREATE TABLE `events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`stream` text NOT NULL,
	`version` integer NOT NULL,
	`type` text NOT NULL,
	`data` text NOT NULL,
	`state` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_stream_version_uq` ON `events` (`stream`,`version`);--> statement-breakpoint
CREATE INDEX `events_type_idx` ON `events` (`type`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`interval_ms` integer NOT NULL,
	`total_shots` integer,
	`stop_condition` text NOT NULL,
	`started_at` integer NOT NULL,
	`status` text NOT NULL,
	`ended_at` integer,
	`error_code` text,
	`error_message` text,
	`saved_at` integer,
	`shots_ok` integer DEFAULT 0 NOT NULL,
	`shots_failed` integer DEFAULT 0 NOT NULL,
	`shots_skipped` integer DEFAULT 0 NOT NULL,
	`first_file` text,
	`last_file` text,
	`last_seq` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `shots` (
	`session_id` text NOT NULL,
	`number` integer NOT NULL,
	`planned_at` integer NOT NULL,
	`planned_mono` real NOT NULL,
	`triggered_at` integer,
	`trigger_mono` real,
	`lateness_ms` real,
	`latency_ms` real,
	`attempts` integer NOT NULL,
	`file` text,
	`result` text NOT NULL,
	`error_code` text,
	`error_message` text,
	PRIMARY KEY(`session_id`, `number`)
);
