/**
 * An in-memory PerformiaApi for component and store tests: records every call, answers from
 * per-channel handlers, and lets a test push core events.
 */
import type { Channel, EventName, EventPayload, PerformiaApi, Req, Res } from '../../../shared/contract';
import type { Job, SongMap } from '../../../shared';
import type { Result } from '../../../shared/result';

type Handler<C extends Channel> = (req: Req<C>) => Res<C> | Result<Res<C>> | Promise<Res<C> | Result<Res<C>>>;

export interface FakeApi extends PerformiaApi {
  calls: { channel: Channel; request: unknown }[];
  handle<C extends Channel>(channel: C, h: Handler<C>): void;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  callsTo(channel: Channel): unknown[];
}

const isResult = (v: unknown): v is Result<unknown> =>
  !!v &&
  typeof v === 'object' &&
  'ok' in v &&
  ((v as { ok: unknown }).ok === true || (v as { ok: unknown }).ok === false);

export function fakeApi(
  mode: 'electron' | 'headless' = 'headless',
  paths: Map<File, string> = new Map(),
): FakeApi {
  const handlers = new Map<Channel, Handler<Channel>>();
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const calls: FakeApi['calls'] = [];
  return {
    mode,
    calls,
    handle(channel, h) {
      handlers.set(channel, h as unknown as Handler<Channel>);
    },
    callsTo: (channel) => calls.filter((c) => c.channel === channel).map((c) => c.request),
    async invoke<C extends Channel>(channel: C, request: Req<C>): Promise<Result<Res<C>>> {
      calls.push({ channel, request });
      const h = handlers.get(channel);
      if (!h)
        return { ok: false, error: { code: 'E_UNKNOWN_CHANNEL', message: `no fake handler for ${channel}` } };
      const v = await h(request as Req<Channel>);
      return (isResult(v) ? v : { ok: true, value: v }) as Result<Res<C>>;
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (p: unknown) => void);
      return () => set.delete(listener as (p: unknown) => void);
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    getPathForFile: (f) => paths.get(f) ?? null,
  };
}

let seq = 0;
export function makeJob(over: Partial<Job> = {}): Job {
  seq++;
  const id = over.id ?? `01JOB${String(seq).padStart(6, '0')}`;
  return {
    id,
    status: 'queued',
    createdAt: Date.UTC(2026, 0, 1) + seq * 1000,
    startedAt: null,
    completedAt: null,
    updatedAt: Date.UTC(2026, 0, 1) + seq * 1000,
    progress: 0,
    stage: null,
    errorCode: null,
    errorMessage: null,
    inputPath: `/music/${id}.wav`,
    fileName: `${id}.wav`,
    sizeBytes: 1000,
    mtimeMs: 0,
    contentHash: null,
    attempts: 0,
    analyzerVersion: 'test',
    priority: 0,
    reusedFrom: null,
    summary: null,
    ...over,
  };
}

/**
 * A small, internally consistent song map: 120 BPM 4/4 (beat every 0.5 s from 0.25 s), 8 bars,
 * sections A (verse) and B (chorus), one chord per bar, A minor.
 */
export function makeSongMap(id = 'song1'): SongMap {
  const beats = Array.from({ length: 32 }, (_, i) => 0.25 + i * 0.5);
  const downbeats = beats.filter((_, i) => i % 4 === 0);
  const labels = ['Am', 'F', 'C', 'G', 'Am', 'F', 'C', 'E7'];
  const n = 160;
  return {
    id,
    duration_sec: 16.25,
    meter: { numerator: 4, denominator: 4 },
    tempo: {
      bpm_global: 120,
      curve: [[0, 120]],
      confidence: 0.9,
      alternatives: [{ bpm: 60, factor: 0.5, confidence: 0.3 }],
    },
    beats,
    downbeats,
    key: [{ start: 0, end: 16.25, tonic: 'A', mode: 'minor', conf: 0.8, camelot: '8A' }],
    key_alternatives: [{ tonic: 'C', mode: 'major', relation: 'relative', conf: 0.4 }],
    tuning: { a4_hz: 440, cents: 0 },
    chords: labels.map((label, i) => ({ start: downbeats[i], end: downbeats[i] + 2, label, conf: 0.7 })),
    sections: [
      { start: 0.25, end: 8.25, label: 'verse', letter: 'A', conf: 0.6 },
      { start: 8.25, end: 16.25, label: 'chorus', letter: 'B', conf: 0.6 },
    ],
    loudness: {
      integrated_lufs: -14,
      lra: 5,
      true_peak_dbtp: -1,
      sample_peak_dbfs: -1.2,
      replaygain_track_gain_db: -4,
      replaygain_track_peak: 0.9,
    },
    waveform: {
      sample_rate: 1000,
      levels: [
        {
          samples_per_peak: 100,
          min: Array.from({ length: n }, (_, i) => -Math.abs(Math.sin(i / 5))),
          max: Array.from({ length: n }, (_, i) => Math.abs(Math.sin(i / 5))),
        },
      ],
    },
    lyrics: [],
    performance: { melody: [], bass: [] },
    tags: {
      title: 'Test Song',
      artist: 'The Testers',
      album: null,
      format: 'WAVE',
      codec: 'PCM',
      source_sample_rate: 44100,
      source_channels: 2,
    },
    stages: {
      decode: { status: 'ok' },
      tempo: { status: 'ok' },
      chords: { status: 'degraded', reason: 'low confidence' },
    },
    provenance: { engine: 'test', engine_version: '0', created_at: '2026-01-01T00:00:00Z' },
  };
}
