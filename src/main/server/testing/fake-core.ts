/**
 * An in-memory Core for the transport tests: the contract's schemas validate requests exactly as the
 * real core does, jobs live in a Map, and the test drives status changes and events directly. It lets
 * the HTTP layer be tested on its own; the crash test and server.integration tests use the real core.
 */
import fs from 'node:fs';
import path from 'node:path';
import { channels, fail, isChannel, ok, type EventName, type EventPayload, type Job, type Result, type SongMap, toJobRow } from '../../../shared';
import type { Core, CoreEvents } from '../../core/core-api';
import type { JobStore } from '../../db/store-api';

type Listener = (payload: unknown) => void;

export class FakeCore implements Core {
  readonly jobs = new Map<string, Job>();
  readonly songMaps = new Map<string, SongMap>();
  readonly calls: { channel: string; payload: unknown }[] = [];
  private readonly listeners = new Map<string, Set<Listener>>();
  private seq = 0;
  closed = false;

  constructor(readonly dataDir: string) {}

  get store(): JobStore {
    throw new Error('the HTTP server must go through dispatch, not the store');
  }

  readonly events: CoreEvents = {
    on: <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => {
      let set = this.listeners.get(event);
      if (!set) this.listeners.set(event, (set = new Set()));
      set.add(listener as Listener);
      return () => void set.delete(listener as Listener);
    },
  };

  listenerCount(event: EventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners.get(event) ?? []) l(payload);
  }

  addJob(patch: Partial<Job> & { inputPath: string }): Job {
    const now = Date.now();
    const id = `01JFAKE${String(++this.seq).padStart(19, '0')}`;
    const job: Job = {
      id,
      status: 'queued',
      createdAt: now,
      startedAt: null,
      completedAt: null,
      updatedAt: now,
      progress: 0,
      stage: null,
      errorCode: null,
      errorMessage: null,
      fileName: path.basename(patch.inputPath),
      sizeBytes: null,
      mtimeMs: null,
      contentHash: null,
      attempts: 0,
      analyzerVersion: 'fake-1',
      priority: 0,
      reusedFrom: null,
      summary: null,
      ...patch,
    };
    this.jobs.set(id, job);
    return job;
  }

  update(id: string, patch: Partial<Job>): Job {
    const job = { ...this.jobs.get(id)!, ...patch, updatedAt: Date.now() };
    this.jobs.set(id, job);
    this.emit('job.updated', job);
    return job;
  }

  async submitUpload(tempPath: string, originalName: string): Promise<Job> {
    if (originalName.endsWith('.reject')) throw Object.assign(new Error('not audio'), { name: 'AppError', code: 'E_UNSUPPORTED_FORMAT' });
    const st = fs.statSync(tempPath);
    return this.addJob({ inputPath: tempPath, fileName: originalName, sizeBytes: st.size });
  }

  async dispatch(channel: string, payload: unknown): Promise<Result<unknown>> {
    this.calls.push({ channel, payload });
    if (!isChannel(channel)) return fail('E_UNKNOWN_CHANNEL', `unknown channel ${channel}`);
    const parsed = channels[channel].request.safeParse(payload);
    if (!parsed.success) return fail('E_INVALID_REQUEST', 'invalid request');
    const req = parsed.data as Record<string, unknown>;
    const get = (id: string): Job | undefined => this.jobs.get(id);
    switch (channel) {
      case 'app.info':
        return ok({ mode: 'headless', version: '0.0.0', analyzerVersion: 'fake-1', platform: process.platform });
      case 'jobs.get': {
        const j = get(req.id as string);
        return j ? ok(j) : fail('E_JOB_NOT_FOUND', 'no such job');
      }
      case 'jobs.songMap': {
        const m = this.songMaps.get(req.id as string);
        return m ? ok(m) : fail('E_NOT_READY', 'no song map');
      }
      case 'jobs.list':
      case 'jobs.rows': {
        const statuses = req.status as string[] | undefined;
        const items = [...this.jobs.values()].filter((j) => !statuses || statuses.includes(j.status)).reverse();
        const page = items.slice(0, req.limit as number);
        return ok({ items: channel === 'jobs.rows' ? page.map(toJobRow) : page, nextCursor: null, total: items.length });
      }
      case 'jobs.delete': {
        let deleted = 0;
        for (const id of req.ids as string[]) if (this.jobs.delete(id)) deleted++;
        return ok({ deleted });
      }
      case 'jobs.cleanup': {
        const cutoff = Date.now() - (req.olderThanDays as number) * 86_400_000;
        const victims = [...this.jobs.values()].filter(
          (j) => ['completed', 'failed', 'cancelled'].includes(j.status) && (j.completedAt ?? j.updatedAt) <= cutoff,
        );
        if (!req.dryRun) for (const v of victims) this.jobs.delete(v.id);
        return ok({ count: victims.length, bytes: 0, dryRun: req.dryRun });
      }
      case 'db.stats':
        return ok({
          dataDir: this.dataDir,
          dbPath: path.join(this.dataDir, 'performia.db'),
          sizeBytes: 4096,
          schemaVersion: 1,
          counts: {},
          total: this.jobs.size,
          backups: [],
          recovery: null,
        });
      default:
        return fail('E_UNSUPPORTED', `${channel} is not in the fake core`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
