/**
 * Two versions of the same job row, one from an event and one from a list or submit answer, can reach
 * the renderer in either order: an answer read by the core before a status change may arrive after the
 * job.updated event for that change. Every write in the core stamps `updatedAt`, so the later write wins;
 * within the same millisecond, the version further along queued → processing → finished does.
 * The same rule serves full jobs (queue) and list rows (history: a JobRow carries updatedAt and status).
 */
import type { Job, JobStatus } from '../../../shared/domain';

const STEP: Record<JobStatus, number> = { queued: 0, processing: 1, completed: 2, failed: 2, cancelled: 2 };

/** what the rule reads: a Job or a JobRow */
type Versioned = Pick<Job, 'updatedAt' | 'status'>;

/** the version to keep: `incoming` unless `held` is a later write */
export function laterJob<T extends Versioned>(held: T, incoming: T): T {
  if (held.updatedAt !== incoming.updatedAt) return held.updatedAt > incoming.updatedAt ? held : incoming;
  return STEP[held.status] > STEP[incoming.status] ? held : incoming;
}
