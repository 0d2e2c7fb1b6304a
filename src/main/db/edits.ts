/**
 * User corrections, kept apart from results: re-analysis and completeJob never touch this table.
 */
import { AppError, EditsSchema, type Edits } from '../../shared';
import { prepare, type Db } from './sql';

function assertJobExists(db: Db, id: string): void {
  if (!prepare<[string], { id: string }>(db, 'SELECT id FROM jobs WHERE id = ?').get(id)) {
    throw new AppError('E_JOB_NOT_FOUND', `No job with id ${id}`);
  }
}

export function getEdits(db: Db, id: string): Edits | null {
  assertJobExists(db, id);
  const row = prepare<[string], { edits: string }>(db, 'SELECT edits FROM edits WHERE job_id = ?').get(id);
  return row ? EditsSchema.parse(JSON.parse(row.edits)) : null;
}

/** Replaces the job's edits; null clears them. One autocommit statement. */
export function setEdits(db: Db, id: string, edits: Edits | null, now: number): Edits | null {
  let value: Edits | null = null;
  if (edits !== null) {
    const parsed = EditsSchema.safeParse(edits);
    if (!parsed.success) throw new AppError('E_INVALID_REQUEST', `Invalid edits: ${parsed.error.message}`);
    value = parsed.data;
  }
  assertJobExists(db, id);
  if (value === null) {
    prepare(db, 'DELETE FROM edits WHERE job_id = ?').run(id);
  } else {
    prepare(
      db,
      'INSERT INTO edits (job_id, edits, updated_at) VALUES (?, ?, ?) ON CONFLICT (job_id) DO UPDATE SET edits = excluded.edits, updated_at = excluded.updated_at',
    ).run(id, JSON.stringify(value), now);
  }
  return value;
}
