/**
 * Version of the analysis engine's results. Bump it whenever a change can alter a song map, so the
 * store knows earlier results are stale (re-analysis) and never reuses them by content hash.
 */
// 0.2.0: ffmpeg decodes and resamples (swresample) everything but 22050 Hz WAV; R128 loudness, true peak, waveform
// 0.3.0: section boundaries from bar similarity blended with chord-sequence structure features, cuts moved to where repeats start
// 0.4.0: backbeat octave check, pitched-onset and faint-but-steady pulses, calibrated confidences (tempo, beats, key, chords)
// 0.4.1: backbeat check needs the snare side as loud and as bright as the kick side; kick and snare taking turns on the tatum group it in twos; a level whose drums hit only every 2nd/3rd pulse is grouped; sections prefer whole 4-bar phrases; a 6/8 whose chords change on every beat is a fast 3/4
// 0.4.2: sudden tempo changes (tempoSteps) carry the beat level across the change; the beat path follows a smoothly drifting strongest pulse within ±25 %; the global tempo of a song in two tempi is one of them (playedTempo), never the in-between median
// 0.4.3: section lines on a 4-bar phrase grid anchored two bars in when the bar novelty says so (a 2-bar intro); decoder warnings without ffmpeg's context pointers or paths
// 0.4.4: sections may run in 6-bar phrases when the segmentation on a 6-bar grid is clearly better
// 0.4.5: a 4/4 whose chords change on both halves of nearly every bar is read at twice the tempo
// 0.4.6: a 4/4 whose chords change only on its off-beats is read at half the tempo, on those beats
// 0.4.7: tempo and beat confidences refitted for the readings harmony corrects
// 0.4.8: no double time from harmony when the beat divides in three (a 6/8 read as 4/4)
// 0.4.9: beats locked to the off-beat move half a beat when the kick and bass hit between them
// 0.4.10: a reading harmony corrects no longer lists its own new tempo among its alternatives
// 0.4.11: a corrected reading's tempo alternatives come from the measured saliences, the old reading among them
// 0.4.12: ffmpeg's complaint about repeated timestamps while writing our own PCM outputs is no decoder error; a shorter analysis signal than the audio is reported
// 0.4.13: a beat below 60 BPM whose quarters are periodic too is a bar read as the beat: four times the tempo
// 0.4.14: the key's evidence leaves out the 5th harmonics of louder notes (a minor key over a bright bass is no longer its parallel major)
// 0.4.15: a final chord held through its bar keeps that bar's beats
// 0.4.16: the global tempo of a song in two loosely played tempi is the tempo its median belongs to, not that tempo's tail
// 0.4.17: the bar-as-beat check reads the tempo of the beats as tracked, not the chosen level's reading (the path may drift from it)
// 0.4.18: a soft intro keeps its beats, downbeats and tempo-curve start back to the song's first note when that note is on the beat grid (heard up to 70 ms into its attack)
// 0.4.19: tracked pulses with nothing between them, under a kick pattern repeating every 4 of them and not every 2, are eighths: the beat is every other one
// 0.4.20: with drums, the pitched envelope may confirm a weak broadband beat level but not put another in its place
// 0.4.21: a pulse exists when any metrical level is periodic enough, not only the one chosen as the beat
// 0.4.23: a chord's third that the overtone-free audio barely tells is taken from the key (m7 funk chords
// over a loud bass read as 7); chromatic roots named from the parallel key or as their chords function (Bb,
// not A#, in C major; G#m in E minor);
// 0.4.22 was a reverted rhythm rule and is not reused
// 0.4.24: a beat read on a dotted quarter or five eighths, whose bars are no whole number of beats, is moved to the pulse 3/2 (5/2) as fast
// 0.4.25: beats move off the off-beat when the low band hits 1.6× (was 2×) as hard between them as on them
// 0.4.26: bar lines move to the beat of the bar the chords change on most when that is clearly not the downbeat the onsets gave
// 0.4.27: beats tracked twice, the second time held tightly to the first pass's own steady period, so they keep their phase through bars of loud off-beats
export const ANALYZER_VERSION = '0.4.27';

/** Engine name recorded in every song map's provenance. */
export const ENGINE_NAME = 'performia-engine';
