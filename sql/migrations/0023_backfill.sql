-- voc backfill: where a rejected row of a file came from, and one checkpoint
-- per file so an interrupted backfill resumes where it stopped.

ALTER TABLE rejects
    ADD COLUMN IF NOT EXISTS source_file String DEFAULT '' COMMENT 'File a backfilled row came from (voc backfill); empty for rows from Kafka. kafka_partition then identifies the file (negative) and kafka_offset is the line.' AFTER event_id,
    ADD COLUMN IF NOT EXISTS source_line UInt64 DEFAULT 0 COMMENT 'Line of a JSONL file or row of a Parquet file, from 1, of a backfilled row; 0 for rows from Kafka.' AFTER source_file;

CREATE TABLE IF NOT EXISTS backfill_files
(
    file_id    String COMMENT 'SHA-256 of the file content, hex: the same content under another name or path is the same file.',
    path       String COMMENT 'Path the file was backfilled from (the latest, if it moved).',
    size       UInt64 COMMENT 'File size in bytes.',
    lines_done UInt64 COMMENT 'Lines (JSONL) or rows (Parquet) from the start that are written and acknowledged; a resumed backfill starts after them.',
    events     UInt64 COMMENT 'Events of the file written so far (cumulative over resumed runs; re-sent rows after a crash may be counted twice here, never in the tables).',
    rejects    UInt64 COMMENT 'Rows of the file rejected so far (to the rejects table, with source_file and source_line).',
    done       Bool COMMENT 'The whole file is written: a later backfill of it adds nothing and skips it.',
    updated_at DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'When this checkpoint was written; the latest one counts.'
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY file_id
COMMENT 'Checkpoints of voc backfill, one row per file (query with FINAL): how far each file got, so a rerun resumes after an interruption and skips finished files.';
